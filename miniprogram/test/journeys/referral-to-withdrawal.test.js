/**
 * The journey the mall exists for, through the pages only (operator steps through the admin API):
 * a new shopper opens a distributor's shared link, is bound, binds a phone, adds to the cart,
 * checks out with a coupon and pays; the distributor sees the customer and the pending
 * commission; the operator ships, the shopper confirms receipt, the sweep settles after the
 * after-sales window, and the distributor withdraws and confirms in WeChat.
 */
const mp = require('../support/mp')
const h = require('../pages/orders-helpers')
const { makeDistributor } = require('../support/distributor-helpers')

const stamp = Date.now().toString(36)
const bearer = () => `Bearer ${wx.getStorageSync('fenxiao.session').access}`
const specIndex = (product, name) => product.specs.findIndex((s) => s.name === name)
const valueIndex = (product, name, value) => product.specs.find((s) => s.name === name).values.indexOf(value)

test('shared link → bound → phone → cart → coupon checkout → paid → commission → settled → withdrawn', async () => {
  // A distributor of our own, so other journeys running at the same time move none of its money.
  const distributorToken = await makeDistributor(`journey-dist-${stamp}`, '13700001111')
  const code = (await h.ok('GET', '/distribution/me', undefined, distributorToken)).code

  // The shopper opens the shared home page: the app binds them to the distributor.
  mp.as(`journey-shopper-${stamp}`)
  await mp.open('pages/index/index', { ref: code }, { entry: true })
  const bind = mp.state.requests.find((r) => r.url.endsWith('/distribution/bind'))
  expect(bind.data).toEqual({ code, source: 'link' })
  expect(bind.statusCode).toBe(200)

  // Logs in with the phone button.
  const account = await mp.open('pages/login/index')
  await account.trigger('#bind-phone', 'getphonenumber', { code: 'sandbox-phone-13766668888', errMsg: 'getPhoneNumber:ok' })
  expect((await h.ok('GET', '/auth/me', undefined, bearer())).phone).toBe('13766668888')

  // Picks a SKU on the product page and adds two to the cart.
  const [candidate] = await h.skus(1)
  const product = await h.ok('GET', `/products/${candidate.product_id}`)
  const sku = product.skus.find((s) => s.id === candidate.id)
  const detail = await mp.open('pages/product/detail', { id: String(product.id) })
  await detail.tap('#add-cart')
  for (const spec of product.specs) await detail.tap(`#spec-${specIndex(product, spec.name)}-${valueIndex(product, spec.name, sku.specs[spec.name])}`)
  expect(detail.data.sku.id).toBe(sku.id)
  await detail.trigger('#quantity', 'change', { value: 2 })
  await detail.tap('#confirm')
  expect(mp.state.toasts.pop()).toBe('已加入购物车')

  // Claims a coupon, goes to checkout from the cart, imports an address from WeChat, uses the coupon.
  const template = (await h.ok('GET', '/coupons', undefined, bearer())).find((t) => t.kind === 'no_threshold')
  const coupon = await h.ok('POST', '/coupons', { template_id: template.id }, bearer())
  const cart = await mp.open('pages/cart/index')
  await cart.tap('#checkout')
  expect(mp.lastNavigation().url).toBe('/pages/checkout/index?from_cart=1')
  const checkout = await mp.open('pages/checkout/index', { from_cart: '1' })
  const book = await mp.open('pages/address/list', { select: '1' })
  await book.tap('#import')
  await checkout.call('onShow')
  const before = checkout.data.quote.payable_fen
  await checkout.trigger('#coupon', 'click')
  await checkout.tap(`#coupon-${coupon.id}`)
  expect(checkout.data.quote.payable_fen).toBe(before - coupon.template.amount_fen)
  await checkout.tap('#submit')
  const orderId = [...mp.state.requests].reverse().find((r) => r.method === 'POST' && /\/orders$/.test(r.url)).response.id
  expect(mp.lastNavigation()).toEqual({ kind: 'redirectTo', url: `/pages/order/detail?id=${orderId}&paid=1` })
  const orderPage = await mp.open('pages/order/detail', { id: String(orderId), paid: '1' })
  expect(orderPage.text()).toContain('待发货')
  const order = await h.ok('GET', `/orders/${orderId}`, undefined, bearer())
  expect(order.paid_fen).toBe(2 * sku.price_fen - coupon.template.amount_fen + order.shipping_fen)

  // The distributor sees the customer and the pending commission on that order.
  const shopperToken = bearer()
  mp.as(`journey-dist-${stamp}`)
  const customers = await mp.open('pages/distributor/network/customers')
  expect(customers.data.items).toHaveLength(1)
  expect(customers.text()).toContain('下单 1 笔')
  const earnings = await mp.open('pages/distributor/earnings/index')
  expect(earnings.data.items).toHaveLength(1)
  const commission = earnings.data.items[0]
  expect(commission.status).toBe('pending')
  expect(commission.amount_fen).toBeGreaterThan(0)

  // The operator ships; the shopper confirms receipt on the order page.
  const staff = await h.staff()
  const carriers = await h.ok('GET', '/admin/carriers', undefined, staff)
  await h.ok('POST', `/admin/orders/${orderId}/shipments`, { carrier_code: carriers[0].code, tracking_no: `SF${stamp}`.toUpperCase().slice(0, 20) }, staff)
  mp.as(`journey-shopper-${stamp}`)
  const received = await mp.open('pages/order/detail', { id: String(orderId) })
  await received.tap('#confirm')
  expect((await h.ok('GET', `/orders/${orderId}`, undefined, shopperToken)).status).toBe('received')

  // The after-sales window passes: the sweep completes the order and settles the commission.
  mp.fenxiao('sweep', '--as-of', '+8d', '--only', 'orders.complete', '--only', 'distribution.settle_commission')
  mp.as(`journey-dist-${stamp}`)
  const settled = await h.ok('GET', '/distribution/me', undefined, distributorToken)
  expect(settled.balances.available_fen).toBe(commission.amount_fen)

  // The distributor withdraws all of it and confirms in WeChat.
  const request = await mp.open('pages/distributor/withdrawal/request')
  await request.input('#amount', (commission.amount_fen / 100).toFixed(2))
  await request.tap('#submit')
  expect(mp.state.transfers).toHaveLength(1)
  const list = await mp.open('pages/distributor/withdrawal/list')
  expect(list.data.items[0]).toMatchObject({ status: 'paid', amount_fen: commission.amount_fen })
  const after = await h.ok('GET', '/distribution/me', undefined, distributorToken)
  expect(after.balances).toMatchObject({ available_fen: 0, withdrawn_fen: commission.amount_fen })
})
