/**
 * Shopper steps the 我的 tests take straight on the API with the page's own token: an address, an
 * order of a SKU with stock, a sandbox payment. What the page then shows is read from the page.
 */
const mp = require('../support/mp')

const SESSION = 'fenxiao.session'

function bearer() {
  return `Bearer ${wx.getStorageSync(SESSION).access}`
}

async function ok(method, path, data, token = bearer()) {
  const res = await mp.api(method, path, data, token)
  if (res.statusCode >= 300) throw new Error(`${method} ${path} → ${res.statusCode} ${JSON.stringify(res.data)}`)
  return res.data
}

let skuCache = null

async function skuWithStock() {
  if (skuCache) return skuCache
  const page = await ok('GET', '/products?page_size=20', undefined, '')
  for (const product of page.items) {
    const detail = await ok('GET', `/products/${product.id}`, undefined, '')
    const sku = detail.skus.find((s) => s.stock >= 20)
    if (sku) {
      skuCache = sku
      return sku
    }
  }
  throw new Error('no SKU with stock in the demo catalogue')
}

async function address(token = bearer()) {
  const mine = await ok('GET', '/addresses', undefined, token)
  if (mine.length) return mine[0]
  return ok('POST', '/addresses', {
    receiver: '测试员', phone: '13900001111', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 90 号', is_default: true,
  }, token)
}

async function placeOrder(token = bearer()) {
  const [sku, addr] = await Promise.all([skuWithStock(), address(token)])
  return ok('POST', '/orders', { lines: [{ sku_id: sku.id, quantity: 1 }], address_id: addr.id }, token)
}

async function pay(order, token = bearer()) {
  await ok('POST', `/orders/${order.id}/pay`, {}, token)
  await ok('POST', `/sandbox/payments/${order.order_no}/succeed`, {}, token)
  return ok('GET', `/orders/${order.id}`, undefined, token)
}

module.exports = { SESSION, bearer, ok, placeOrder, pay, address }
