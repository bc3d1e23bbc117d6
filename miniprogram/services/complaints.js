/**
 * 投诉与建议: a shopper complains about a distributor (by the code they were shared) or one of
 * their orders, and follows the platform's replies. Shapes follow /api/openapi.json.
 */
const { request, query } = require('./request')
const config = require('../config')

module.exports = {
  /** `[{value, label}]`, the server's fixed list; no login needed. */
  categories: () => request({ path: '/complaints/categories', auth: false }),
  /** `{category, content, photos?, distributor_code?, order_id?}` → the complaint with its replies. */
  create: (data) => request({ path: '/complaints', method: 'POST', data }),
  mine: (params = {}) => request({ path: `/complaints/mine${query({ page_size: config.pageSize, ...params })}` }),
  get: (id) => request({ path: `/complaints/${id}` }),
}
