/**
 * Steps the orders tests share, all through the live API: the current shopper's token as the
 * pages stored it, in-stock SKUs from the catalogue, an address, a paid order, the operator.
 */
const mp = require('../support/mp')
const { login } = require('../../services/request')

async function ok(method, path, data, token) {
  const res = await mp.api(method, path, data, token)
  if (res.statusCode >= 300) throw new Error(`${method} ${path} → ${res.statusCode} ${JSON.stringify(res.data)}`)
  return res.data
}

/** Logs the current identity in as the pages do and returns its bearer token. */
async function shopper(identity) {
  mp.as(identity)
  await login()
  return `Bearer ${wx.getStorageSync('fenxiao.session').access}`
}

let cachedSkus = null
/** SKUs with plenty of stock, one per product, priced at least ¥10. */
async function skus(count) {
  if (!cachedSkus) {
    const page = await ok('GET', '/products?page_size=40')
    cachedSkus = []
    for (const card of page.items.filter((p) => p.in_stock)) {
      const product = await ok('GET', `/products/${card.id}`)
      const sku = product.skus.find((s) => s.stock >= 50 && s.price_fen >= 1000)
      if (sku) cachedSkus.push({ ...sku, title: product.title, product_id: product.id })
      if (cachedSkus.length >= 8) break
    }
  }
  return cachedSkus.slice(0, count)
}

function address(token, extra = {}) {
  return ok('POST', '/addresses', { receiver: '测试买家', phone: '13800138000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 100 号', is_default: true, ...extra }, token)
}

/** An order placed and paid through the API (the sandbox payment), as the cashier would. */
async function paidOrder(token, lines, addressId) {
  const order = await ok('POST', '/orders', { lines, address_id: addressId }, token)
  await ok('POST', `/orders/${order.id}/pay`, {}, token)
  await ok('POST', `/sandbox/payments/${order.order_no}/succeed`, {}, token)
  return order
}

async function staff() {
  const res = await ok('POST', '/auth/staff-login', { username: 'admin', password: 'fenxiao-demo' })
  return `Bearer ${res.access}`
}

module.exports = { ok, shopper, skus, address, paidOrder, staff }
