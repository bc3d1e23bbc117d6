/** The shopper's cart. Every change answers with the whole cart (CartOut: items + summary). */
const { request } = require('./request')

module.exports = {
  list: () => request({ path: '/cart/items' }),
  /** Answers the added item (CartItemOut), not the cart. */
  add: (skuId, quantity = 1) => request({ path: '/cart/items', method: 'POST', data: { sku_id: skuId, quantity } }),
  update: (itemId, data) => request({ path: `/cart/items/${itemId}`, method: 'PATCH', data }),
  remove: (itemId) => request({ path: `/cart/items/${itemId}`, method: 'DELETE' }),
  removeMany: (itemIds) => request({ path: '/cart/items/delete', method: 'POST', data: { item_ids: itemIds } }),
  /** `itemIds` null selects or clears every item. */
  select: (itemIds, selected) => request({ path: '/cart/items/select', method: 'POST', data: { item_ids: itemIds, selected } }),
}
