/** The shopper's cart. */
const { request } = require('./request')

module.exports = {
  list: () => request({ path: '/cart/items' }),
  add: (skuId, quantity = 1) => request({ path: '/cart/items', method: 'POST', data: { sku_id: skuId, quantity } }),
  update: (itemId, data) => request({ path: `/cart/items/${itemId}`, method: 'PATCH', data }),
  remove: (itemId) => request({ path: `/cart/items/${itemId}`, method: 'DELETE' }),
  removeMany: (ids) => request({ path: '/cart/items/delete', method: 'POST', data: { ids } }),
  select: (data) => request({ path: '/cart/items/select', method: 'POST', data }),
}
