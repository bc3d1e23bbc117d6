/**
 * The README's mini-program screenshots (`npm run screenshots`): the real pages, rendered by the
 * test harness against the live sandbox server with the demo data, photographed by chromium into
 * docs/screenshots/mp-*.png. The shopper is the seeded alice (orders, coupons, an address); the
 * distributor is the seeded bob (a team, settled commission, an open group-buy).
 */
const mp = require('../support/mp')
const { ok, shopperToken } = require('../support/promotions')
const { shoot } = require('./snapshot')

const saved = []
async function take(name, page, options) {
  saved.push((await shoot(name, page, options)).png)
}

let alice

beforeAll(async () => {
  alice = await shopperToken('alice')
})

afterAll(() => console.log(`saved:\n${saved.join('\n')}`))

describe('shopper', () => {
  beforeAll(() => mp.as('alice'))

  test('home, product, cart, checkout and the paid order', async () => {
    const home = await mp.open('pages/index/index')
    await take('home', home)

    const products = (await ok('GET', '/products?page_size=20', undefined, alice)).items.filter((p) => p.in_stock)
    const product = await mp.open('pages/product/detail', { id: String(products[0].id) })
    await take('product', product)

    const items = await ok('GET', '/cart/items', undefined, alice)
    if (items.items && items.items.length) await ok('POST', '/cart/items/delete', { item_ids: items.items.map((i) => i.id) }, alice)
    for (const card of products.slice(1, 4)) {
      const detail = await ok('GET', `/products/${card.id}`, undefined, alice)
      const sku = detail.skus.find((s) => s.stock >= 5)
      if (sku) await ok('POST', '/cart/items', { sku_id: sku.id, quantity: 1 + (card.id % 2) }, alice)
    }
    const cart = await mp.open('pages/cart/index')
    await take('cart', cart)

    const checkout = await mp.open('pages/checkout/index', { from_cart: '1' })
    await checkout.trigger('#coupon', 'click')
    await take('checkout-coupons', checkout)
    const [coupon] = checkout.data.coupons
    if (coupon) await checkout.tap(`#coupon-${coupon.id}`)
    await take('checkout', checkout)
    await checkout.tap('#submit')
    const nav = mp.lastNavigation()
    const orderId = /id=(\d+)/.exec(nav.url)[1]
    const order = await mp.open('pages/order/detail', { id: orderId, paid: '1' })
    await take('order-detail', order)

    const me = await mp.open('pages/me/index')
    await take('me', me)
  })

  test('a group-buy group alice joined', async () => {
    const bob = await shopperToken('bob')
    const [mine] = await ok('GET', '/group-buy/mine', undefined, bob)
    const groupId = mine.group ? mine.group.id : mine.id
    const [address] = await ok('GET', '/addresses', undefined, alice)
    const joined = await ok('POST', `/group-buy/groups/${groupId}/members`, { quantity: 1, address_id: address.id, remark: '' }, alice)
    const orderId = joined.order ? joined.order.id : joined.id
    const order = await ok('GET', `/orders/${orderId}`, undefined, alice)
    await ok('POST', `/orders/${orderId}/pay`, {}, alice)
    await ok('POST', `/sandbox/payments/${order.order_no}/succeed`, {}, alice)
    mp.as('alice')
    const group = await mp.open('pages/group-buy/group', { id: String(groupId) })
    await take('group', group)
  })
})

describe('distributor', () => {
  beforeAll(() => mp.as('bob'))

  test('centre, earnings and the share page', async () => {
    await take('centre', await mp.open('pages/distributor/centre/index'))
    await take('earnings', await mp.open('pages/distributor/earnings/index'))
    await take('share', await mp.open('pages/distributor/tools/share'))
  })
})
