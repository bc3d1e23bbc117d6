/**
 * Operator and shopper steps the promotions journeys share, all through the live API: the staff
 * token, a shopper's token and address, SKUs with stock, activity windows around now.
 */
const mp = require('./mp')

async function ok(method, route, data, token) {
  const res = await mp.api(method, route, data, token)
  if (res.statusCode >= 300) throw new Error(`${method} ${route} → ${res.statusCode} ${JSON.stringify(res.data)}`)
  return res.data
}

let staff = null
async function staffToken() {
  if (!staff) staff = `Bearer ${(await ok('POST', '/auth/staff-login', { username: 'admin', password: 'fenxiao-demo' })).access}`
  return staff
}

/** The shopper's own token, the same user the pages log in as (sandbox code = identity). */
async function shopperToken(identity) {
  return `Bearer ${(await ok('POST', '/auth/wechat-login', { code: `sandbox-${identity}` })).access}`
}

async function addAddress(token) {
  return ok('POST', '/addresses', {
    receiver: '林小满', phone: '13912345678', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 90 号', is_default: true,
  }, token)
}

/**
 * SKUs on sale with plenty of stock, none of `used`. Journeys that run in parallel on the same
 * server pass different `skip` counts so their activities never share a SKU.
 */
async function skusWithStock(count, used = new Set(), skip = 0) {
  const found = []
  for (let page = 1; found.length < count + skip && page <= 10; page += 1) {
    const list = await ok('GET', `/products?page=${page}&page_size=20`)
    if (!list.items.length) break
    for (const product of list.items) {
      if (found.length >= count + skip) break
      const detail = await ok('GET', `/products/${product.id}`)
      const sku = (detail.skus || []).find((s) => !used.has(s.id) && s.stock >= 20 && s.price_fen >= 2000)
      if (sku) found.push({ ...sku, product_id: detail.id, product_title: detail.title })
    }
  }
  if (found.length < count + skip) throw new Error('not enough SKUs with stock')
  return found.slice(skip)
}

const minutesFromNow = (m) => new Date(Date.now() + m * 60000).toISOString()

module.exports = { ok, staffToken, shopperToken, addAddress, skusWithStock, minutesFromNow }
