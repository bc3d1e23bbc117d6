/**
 * Coupons, seckill, group-buy and 邀请有礼, shaped as the OpenAPI says. Every read here needs a
 * signed-in shopper (the server answers 401 otherwise), so none of them is `auth: false`.
 */
const { request, query } = require('./request')
const config = require('../config')

/** `lines` for /coupons/usable: repeated `lines=sku_id:quantity`, from strings or {sku_id, quantity}. */
function linesQuery(lines = []) {
  return lines
    .map((line) => (typeof line === 'string' ? line : `${line.sku_id}:${line.quantity}`))
    .map((line) => `lines=${encodeURIComponent(line)}`)
    .join('&')
}

function usableCoupons({ lines, address_id: addressId } = {}) {
  const rest = query({ address_id: addressId })
  const repeated = linesQuery(lines)
  const search = [repeated, rest.replace(/^\?/, '')].filter(Boolean).join('&')
  return request({ path: `/coupons/usable${search ? `?${search}` : ''}` })
}

/** Group-buy orders: `{quantity, address_id, remark, ref, ref_source}`; ref is the sharer's code. */
function groupBuyBody({ quantity = 1, addressId, remark = '', ref } = {}) {
  const body = { quantity, address_id: addressId, remark }
  if (ref) {
    body.ref = ref
    body.ref_source = 'link'
  }
  return body
}

module.exports = {
  /** Claimable templates: an array (the centre does not page). */
  couponCentre: () => request({ path: '/coupons' }),
  claimCoupon: (templateId) => request({ path: '/coupons', method: 'POST', data: { template_id: templateId } }),
  /** status: 'unused' | 'used' | 'expired'; an array, not a page. */
  myCoupons: (status = 'unused') => request({ path: `/coupons/mine${query({ status })}` }),
  usableCoupons,
  seckills: () => request({ path: '/seckill' }),
  seckill: (id) => request({ path: `/seckill/${id}` }),
  /** One unit per order; the body is only the address and a remark. Answers the order. */
  seckillOrder: (id, { addressId, remark = '' } = {}) =>
    request({ path: `/seckill/${id}/orders`, method: 'POST', data: { address_id: addressId, remark } }),
  groupBuys: () => request({ path: '/group-buy' }),
  groupBuy: (id) => request({ path: `/group-buy/${id}` }),
  openGroups: (id) => request({ path: `/group-buy/${id}/groups` }),
  /** Answers `{group, order}`. */
  openGroup: (id, options) => request({ path: `/group-buy/${id}/groups`, method: 'POST', data: groupBuyBody(options) }),
  group: (groupId) => request({ path: `/group-buy/groups/${groupId}` }),
  /** Answers `{group, order}`. */
  joinGroup: (groupId, options) =>
    request({ path: `/group-buy/groups/${groupId}/members`, method: 'POST', data: groupBuyBody(options) }),
  myGroups: () => request({ path: '/group-buy/mine' }),
  myInvite: () => request({ path: '/invites/me' }),
  invitees: (params = {}) => request({ path: `/invites/me/invitees${query({ page_size: config.pageSize, ...params })}` }),
  acceptInvite: (code) => request({ path: '/invites/accept', method: 'POST', data: { code } }),
}
