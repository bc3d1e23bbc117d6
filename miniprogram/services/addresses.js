/** The address book. */
const { request } = require('./request')

module.exports = {
  list: () => request({ path: '/addresses' }),
  get: (id) => request({ path: `/addresses/${id}` }),
  create: (data) => request({ path: '/addresses', method: 'POST', data }),
  update: (id, data) => request({ path: `/addresses/${id}`, method: 'PATCH', data }),
  remove: (id) => request({ path: `/addresses/${id}`, method: 'DELETE' }),
}
