/** The distributor's centre: application, balances, network, earnings, withdrawals and tools. */
const { request, query } = require('./request')
const config = require('../config')

const paged = (path) => (params = {}) => request({ path: `${path}${query({ page_size: config.pageSize, ...params })}` })

module.exports = {
  me: () => request({ path: '/distribution/me' }),
  apply: (data) => request({ path: '/distribution/apply', method: 'POST', data }),
  bind: (code, source) => request({ path: '/distribution/bind', method: 'POST', data: { code, source } }),
  team: paged('/distribution/team'),
  customers: paged('/distribution/customers'),
  orders: paged('/distribution/orders'),
  commissions: paged('/distribution/commissions'),
  rankings: (params = {}) => request({ path: `/distribution/rankings${query(params)}` }),
  tier: () => request({ path: '/distribution/tier' }),
  withdrawals: paged('/distribution/withdrawals'),
  withdrawal: (id) => request({ path: `/distribution/withdrawals/${id}` }),
  withdraw: (data) => request({ path: '/distribution/withdrawals', method: 'POST', data }),
  share: (productId) => request({ path: `/distribution/share${query({ product_id: productId })}` }),
  shopItems: () => request({ path: '/distribution/shop/items' }),
  addShopItem: (productId) => request({ path: '/distribution/shop/items', method: 'POST', data: { product_id: productId } }),
  reorderShop: (productIds) => request({ path: '/distribution/shop/items/order', method: 'PUT', data: { product_ids: productIds } }),
  removeShopItem: (productId) => request({ path: `/distribution/shop/items/${productId}`, method: 'DELETE' }),
  publicShop: (code) => request({ path: `/distribution/shops/${code}`, auth: false }),
  materials: paged('/content/materials'),
  material: (id) => request({ path: `/content/materials/${id}` }),
  materialCopied: (id) => request({ path: `/content/materials/${id}/copied`, method: 'POST', data: {} }),
}
