const mp = require('../support/mp')
const h = require('./orders-helpers')

async function claimNoThreshold(token) {
  const centre = await h.ok('GET', '/coupons', undefined, token)
  const template = centre.find((t) => t.kind === 'no_threshold')
  return h.ok('POST', '/coupons', { template_id: template.id }, token)
}

const linesQuery = (lines) => encodeURIComponent(JSON.stringify(lines))

describe('checkout', () => {
  test('product lines, an address imported from WeChat, a claimed coupon, submit and pay', async () => {
    const token = await h.shopper('orders-checkout-1')
    const coupon = await claimNoThreshold(token)
    const [sku] = await h.skus(1)
    const lines = [{ sku_id: sku.id, quantity: 2 }]

    const page = await mp.open('pages/checkout/index', { lines: linesQuery(lines) })
    expect(page.text()).toContain('请添加收货地址')
    expect(page.data.quote.goods_fen).toBe(2 * sku.price_fen)

    await page.tap('#address')
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: '/pages/address/list?select=1' })
    const book = await mp.open('pages/address/list', { select: '1' })
    await book.tap('#import')
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateBack', delta: 1 })
    const saved = await h.ok('GET', '/addresses', undefined, token)
    expect(saved).toHaveLength(1)
    expect(saved[0]).toMatchObject({ receiver: '林小满', phone: '13912345678', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 90 号 3 幢 501' })

    await page.call('onShow')
    expect(page.text()).toContain('林小满')
    const quoted = mp.state.requests.filter((r) => r.url.endsWith('/checkout/quote')).pop()
    expect(quoted.data.address_id).toBe(saved[0].id)
    const before = page.data.quote.payable_fen
    expect(page.text()).toContain(`应付：¥${(before / 100).toFixed(2)}`)

    await page.trigger('#coupon', 'click')
    expect(page.data.couponVisible).toBe(true)
    expect(page.text()).toContain(coupon.template.name)
    await page.tap(`#coupon-${coupon.id}`)
    expect(page.data.quote.payable_fen).toBe(before - coupon.template.amount_fen)
    expect(page.text()).toContain(`应付：¥${((before - coupon.template.amount_fen) / 100).toFixed(2)}`)

    await page.trigger('#remark', 'change', { value: '请尽快发货' })
    await page.tap('#submit')
    const created = mp.state.requests.filter((r) => r.method === 'POST' && /\/orders$/.test(r.url)).pop()
    expect(created.header['Idempotency-Key']).toMatch(/^mp-/)
    const orderId = created.response.id
    expect(mp.state.payments.length).toBeGreaterThan(0)
    expect(mp.lastNavigation()).toEqual({ kind: 'redirectTo', url: `/pages/order/detail?id=${orderId}&paid=1` })

    const order = await h.ok('GET', `/orders/${orderId}`, undefined, token)
    expect(order).toMatchObject({ status: 'paid', discount_fen: coupon.template.amount_fen, paid_fen: before - coupon.template.amount_fen, remark: '请尽快发货', receiver: '林小满' })
    const detail = await mp.open('pages/order/detail', { id: String(orderId), paid: '1' })
    expect(detail.text()).toContain('待发货')
    expect(detail.text()).toContain('支付成功')
    expect(detail.text()).toContain(order.order_no)
  })

  test('a cancelled payment leaves the order pending, and its pay button pays it', async () => {
    const token = await h.shopper('orders-checkout-2')
    await h.address(token)
    const [sku] = await h.skus(1)
    const page = await mp.open('pages/checkout/index', { lines: linesQuery([{ sku_id: sku.id, quantity: 1 }]) })
    expect(page.text()).toContain('测试买家')
    mp.state.paymentOutcome = 'cancel'
    await page.tap('#submit')
    mp.state.paymentOutcome = 'ok'
    const nav = mp.lastNavigation()
    expect(nav.kind).toBe('redirectTo')
    const orderId = Number(/id=(\d+)$/.exec(nav.url)[1])
    expect((await h.ok('GET', `/orders/${orderId}`, undefined, token)).status).toBe('pending_payment')

    const detail = await mp.open('pages/order/detail', { id: String(orderId) })
    expect(detail.text()).toContain('待付款')
    expect(detail.has('#pay')).toBe(true)
    await detail.tap('#pay')
    expect((await h.ok('GET', `/orders/${orderId}`, undefined, token)).status).toBe('paid')
    expect(detail.text()).toContain('待发货')
    expect(detail.has('#pay')).toBe(false)
  })

  test('from the cart: the selected items are ordered and leave the cart; a server refusal keeps the form', async () => {
    const token = await h.shopper('orders-checkout-3')
    await h.address(token)
    const [a, b] = await h.skus(2)
    await h.ok('POST', '/cart/items', { sku_id: a.id, quantity: 1 }, token)
    await h.ok('POST', '/cart/items', { sku_id: b.id, quantity: 1, selected: false }, token)

    const page = await mp.open('pages/checkout/index', { from_cart: '1' })
    expect(page.data.lines).toEqual([{ sku_id: a.id, quantity: 1 }])
    expect(page.data.quote.goods_fen).toBe(a.price_fen)
    await page.trigger('#remark', 'change', { value: '放门口' })
    await page.tap('#submit')
    const created = mp.state.requests.filter((r) => r.method === 'POST' && /\/orders$/.test(r.url)).pop()
    expect(created.data.from_cart).toBe(true)
    const cart = await h.ok('GET', '/cart/items', undefined, token)
    expect(cart.items.map((i) => i.sku_id)).toEqual([b.id])

    const tooMany = await mp.open('pages/checkout/index', { lines: linesQuery([{ sku_id: b.id, quantity: 999 }]) })
    const toasts = mp.state.toasts.length
    await tooMany.trigger('#remark', 'change', { value: '保留这段话' })
    await tooMany.tap('#submit')
    expect(tooMany.data.quoteError).not.toBe('')
    expect(tooMany.text()).toContain(tooMany.data.quoteError)
    expect(mp.state.toasts.length).toBeGreaterThanOrEqual(toasts)
    expect(tooMany.data.remark).toBe('保留这段话')
  })
})
