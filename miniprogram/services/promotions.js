/** Coupons, seckill, group-buy and 邀请有礼. */
const { request, query } = require('./request')
const config = require('../config')

module.exports = {
  couponCentre: () => request({ path: '/coupons' }),
  claimCoupon: (templateId) => request({ path: '/coupons', method: 'POST', data: { template_id: templateId } }),
  myCoupons: (params = {}) => request({ path: `/coupons/mine${query({ page_size: config.pageSize, ...params })}` }),
  usableCoupons: (data) => request({ path: `/coupons/usable${query(data)}` }),
  seckills: () => request({ path: '/seckill', auth: false }),
  seckill: (id) => request({ path: `/seckill/${id}`, auth: false }),
  seckillOrder: (id, data) => request({ path: `/seckill/${id}/orders`, method: 'POST', data }),
  groupBuys: () => request({ path: '/group-buy' }),
  groupBuy: (id) => request({ path: `/group-buy/${id}` }),
  openGroups: (id) => request({ path: `/group-buy/${id}/groups` }),
  openGroup: (id, data) => request({ path: `/group-buy/${id}/groups`, method: 'POST', data }),
  group: (groupId) => request({ path: `/group-buy/groups/${groupId}` }),
  joinGroup: (groupId, data) => request({ path: `/group-buy/groups/${groupId}/members`, method: 'POST', data }),
  myGroups: () => request({ path: '/group-buy/mine' }),
  myInvite: () => request({ path: '/invites/me' }),
  invitees: (params = {}) => request({ path: `/invites/me/invitees${query(params)}` }),
  acceptInvite: (code) => request({ path: '/invites/accept', method: 'POST', data: { code } }),
}
