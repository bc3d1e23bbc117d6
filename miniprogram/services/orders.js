/** Checkout, orders, payment, shipments and after-sales. */
const { request, query } = require('./request')
const config = require('../config')

module.exports = {
  quote: (data) => request({ path: '/checkout/quote', method: 'POST', data }),
  create: (data) => request({ path: '/orders', method: 'POST', data }),
  list: (params = {}) => request({ path: `/orders${query({ page_size: config.pageSize, ...params })}` }),
  counts: () => request({ path: '/orders/counts' }),
  get: (id) => request({ path: `/orders/${id}` }),
  cancel: (id, reason = '') => request({ path: `/orders/${id}/cancel`, method: 'POST', data: { reason } }),
  confirmReceipt: (id) => request({ path: `/orders/${id}/confirm-receipt`, method: 'POST', data: {} }),
  shipments: (id) => request({ path: `/orders/${id}/shipments` }),
  pay: (id) => request({ path: `/orders/${id}/pay`, method: 'POST', data: {} }),
  applyAfterSale: (id, data) => request({ path: `/orders/${id}/after-sales`, method: 'POST', data }),
  afterSales: (params = {}) => request({ path: `/after-sales${query({ page_size: config.pageSize, ...params })}` }),
  afterSale: (id) => request({ path: `/after-sales/${id}` }),
  cancelAfterSale: (id) => request({ path: `/after-sales/${id}/cancel`, method: 'POST', data: {} }),
  returnShipment: (id, data) => request({ path: `/after-sales/${id}/return-shipment`, method: 'POST', data }),
}
