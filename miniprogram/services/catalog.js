/** The catalogue and the home page's content: public, no login needed. */
const { request, query } = require('./request')
const config = require('../config')

module.exports = {
  categories: () => request({ path: '/categories', auth: false }),
  products: (params = {}) => request({ path: `/products${query({ page_size: config.pageSize, ...params })}`, auth: false }),
  product: (id) => request({ path: `/products/${id}`, auth: false }),
  banners: () => request({ path: '/content/banners', auth: false }),
}
