/**
 * 消息中心 and subscription consent. Shapes follow /api/openapi.json (/notifications...).
 */
const { request, query } = require('./request')
const config = require('../config')

module.exports = {
  /** `{items, count, page, page_size, unread_count}`, newest first. */
  list: (params = {}) => request({ path: `/notifications${query({ page_size: config.pageSize, ...params })}` }),
  unreadCount: () => request({ path: '/notifications/unread-count' }),
  read: (id) => request({ path: `/notifications/${id}/read`, method: 'POST' }),
  readAll: () => request({ path: '/notifications/read-all', method: 'POST' }),
  /** `{template_ids}` to pass to wx.requestSubscribeMessage at `scene` (pay | withdraw | apply | complaint). */
  templates: (scene) => request({ path: `/notifications/templates${query({ scene })}`, auth: false }),
  /** What wx.requestSubscribeMessage answered: `{results: {templateId: 'accept' | 'reject' | ...}}`. */
  report: (results) => request({ path: '/notifications/subscriptions', method: 'POST', data: { results } }),
}
