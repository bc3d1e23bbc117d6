/** Checkout, orders, payment, shipments and after-sales. */
const { request, query } = require('./request')
const config = require('../config')

/** GET /coupons/usable takes the basket as repeated `lines=sku_id:quantity`. */
function linesQuery(lines, addressId) {
  const parts = lines.map((l) => `lines=${encodeURIComponent(`${l.sku_id}:${l.quantity}`)}`)
  if (addressId) parts.push(`address_id=${addressId}`)
  return `?${parts.join('&')}`
}

module.exports = {
  /** {lines, address_id, options: {coupon_id}} → QuoteOut. The quote takes lines only, never from_cart. */
  quote: (data) => request({ path: '/checkout/quote', method: 'POST', data }),
  /** {lines, address_id, options, remark, from_cart}; the key makes a retried submit place one order. */
  create: (data, idempotencyKey) => request({ path: '/orders', method: 'POST', data, headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {} }),
  usableCoupons: (lines, addressId) => request({ path: `/coupons/usable${linesQuery(lines, addressId)}` }),
  /** status: pending_payment | to_ship | to_receive | completed | after_sales, or none for all. */
  list: (params = {}) => request({ path: `/orders${query({ page_size: config.pageSize, ...params })}` }),
  counts: () => request({ path: '/orders/counts' }),
  get: (id) => request({ path: `/orders/${id}` }),
  cancel: (id, reason = '') => request({ path: `/orders/${id}/cancel`, method: 'POST', data: { reason } }),
  confirmReceipt: (id) => request({ path: `/orders/${id}/confirm-receipt`, method: 'POST' }),
  shipments: (id) => request({ path: `/orders/${id}/shipments` }),
  pay: (id) => request({ path: `/orders/${id}/pay`, method: 'POST' }),
  /** {kind: refund_only|return_refund, reason, description, photos, lines: [{order_line_id, quantity}]} */
  applyAfterSale: (id, data) => request({ path: `/orders/${id}/after-sales`, method: 'POST', data }),
  afterSales: (params = {}) => request({ path: `/after-sales${query({ page_size: config.pageSize, ...params })}` }),
  afterSale: (id) => request({ path: `/after-sales/${id}` }),
  cancelAfterSale: (id) => request({ path: `/after-sales/${id}/cancel`, method: 'POST' }),
  /** {carrier_code, carrier_name, tracking_no} */
  returnShipment: (id, data) => request({ path: `/after-sales/${id}/return-shipment`, method: 'POST', data }),
}
