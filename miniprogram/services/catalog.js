/**
 * The catalogue and what the home page shows around it. Products, categories, banners and a
 * distributor's shop are public; the activity lists need a user (the API answers 401 without one),
 * so they log in silently like any other call.
 */
const { request, query } = require('./request')
const config = require('../config')

module.exports = {
  categories: () => request({ path: '/categories', auth: false }),
  /** `params`: category, q, sort (default|sales|price|price_desc|new), page, min_price_fen, max_price_fen. */
  products: (params = {}) => request({ path: `/products${query({ page_size: config.pageSize, ...params })}`, auth: false }),
  product: (id) => request({ path: `/products/${id}`, auth: false }),
  banners: () => request({ path: '/content/banners', auth: false }),
  seckills: () => request({ path: '/seckill' }),
  groupBuys: () => request({ path: '/group-buy' }),
  /** A distributor's share assets for a product: `poster_url` (absolute) and the share path. */
  share: (productId) => request({ path: `/distribution/share${query({ product_id: productId })}` }),
  shop: (code) => request({ path: `/distribution/shops/${encodeURIComponent(code)}`, auth: false }),
}
