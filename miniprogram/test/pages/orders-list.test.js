const mp = require('../support/mp')
const h = require('./orders-helpers')

describe('order list and fulfilment', () => {
  test('tabs filter by status, the query preselects a tab, pay and cancel from the list', async () => {
    const token = await h.shopper('orders-list-1')
    const addr = await h.address(token)
    const [a, b, c] = await h.skus(3)
    const paid = await h.paidOrder(token, [{ sku_id: a.id, quantity: 1 }], addr.id)
    const pending = await h.ok('POST', '/orders', { lines: [{ sku_id: b.id, quantity: 1 }], address_id: addr.id }, token)
    const toCancel = await h.ok('POST', '/orders', { lines: [{ sku_id: c.id, quantity: 1 }], address_id: addr.id }, token)

    const page = await mp.open('pages/order/list')
    expect(page.data.items.map((o) => o.id)).toEqual([toCancel.id, pending.id, paid.id])

    await page.trigger('#tabs', 'change', { value: 'to_ship' })
    expect(page.data.items.map((o) => o.id)).toEqual([paid.id])
    expect(page.text()).toContain('待发货')
    await page.trigger('#tabs', 'change', { value: 'completed' })
    expect(page.data.items).toHaveLength(0)
    expect(page.text()).toContain('暂无订单')

    const pendingTab = await mp.open('pages/order/list', { status: 'pending_payment' })
    expect(pendingTab.data.status).toBe('pending_payment')
    expect(pendingTab.data.items.map((o) => o.id)).toEqual([toCancel.id, pending.id])

    await pendingTab.tap(`#cancel-${toCancel.id}`)
    expect((await h.ok('GET', `/orders/${toCancel.id}`, undefined, token)).status).toBe('cancelled')
    expect(pendingTab.data.items.map((o) => o.id)).toEqual([pending.id])

    await pendingTab.tap(`#pay-${pending.id}`)
    expect((await h.ok('GET', `/orders/${pending.id}`, undefined, token)).status).toBe('paid')
    expect(pendingTab.data.items).toHaveLength(0)

  })

  test('the operator ships: the detail shows the tracking, copies it, and confirming receipt completes the tab', async () => {
    const token = await h.shopper('orders-list-2')
    const addr = await h.address(token)
    const [a] = await h.skus(1)
    const order = await h.paidOrder(token, [{ sku_id: a.id, quantity: 1 }], addr.id)
    const admin = await h.staff()
    const carriers = await h.ok('GET', '/admin/carriers', undefined, admin)
    const trackingNo = `SF${Date.now()}`
    await h.ok('POST', `/admin/orders/${order.id}/shipments`, { carrier_code: carriers[0].code, tracking_no: trackingNo }, admin)

    const list = await mp.open('pages/order/list', { status: 'to_receive' })
    expect(list.data.items.map((o) => o.id)).toEqual([order.id])
    await list.tap(`#track-${order.id}`)
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: `/pages/order/detail?id=${order.id}` })

    const detail = await mp.open('pages/order/detail', { id: String(order.id) })
    expect(detail.text()).toContain('待收货')
    expect(detail.text()).toContain(carriers[0].name)
    expect(detail.text()).toContain(trackingNo)
    const shipment = detail.data.shipments[0]
    await detail.tap(`#copy-${shipment.id}`)
    expect(mp.state.clipboard).toBe(trackingNo)

    await detail.tap('#confirm')
    expect((await h.ok('GET', `/orders/${order.id}`, undefined, token)).status).toBe('received')
    expect(detail.text()).toContain('已收货')
    expect(detail.has('#confirm')).toBe(false)

    const completed = await mp.open('pages/order/list', { status: 'completed' })
    expect(completed.data.items.map((o) => o.id)).toEqual([order.id])
  })

  test("another user's order shows the server's message", async () => {
    const owner = await h.shopper('orders-list-3')
    const addr = await h.address(owner)
    const [a] = await h.skus(1)
    const order = await h.ok('POST', '/orders', { lines: [{ sku_id: a.id, quantity: 1 }], address_id: addr.id }, owner)
    await h.shopper('orders-list-4')
    const detail = await mp.open('pages/order/detail', { id: String(order.id) })
    const res = await h.ok('GET', '/orders?page=1', undefined, `Bearer ${wx.getStorageSync('fenxiao.session').access}`)
    expect(res.items).toHaveLength(0)
    expect(detail.data.order).toBe(null)
    const answer = mp.state.requests.filter((r) => r.url.endsWith(`/orders/${order.id}`)).pop()
    expect(answer.statusCode).toBe(404)
    expect(detail.text()).toContain(answer.response.message)
  })

  test('pages on reaching the bottom and reloads on pull-down', async () => {
    const token = await h.shopper('orders-list-5')
    const addr = await h.address(token)
    const [a] = await h.skus(1)
    for (let i = 0; i < 11; i += 1) await h.paidOrder(token, [{ sku_id: a.id, quantity: 1 }], addr.id)
    const page = await mp.open('pages/order/list', { status: 'to_ship' })
    expect(page.data.items).toHaveLength(10)
    expect(page.data.finished).toBe(false)
    await page.reachBottom()
    expect(page.data.items).toHaveLength(11)
    expect(page.data.finished).toBe(true)
    expect(page.text()).toContain('没有更多了')
    await h.paidOrder(token, [{ sku_id: a.id, quantity: 1 }], addr.id)
    const stopped = mp.state.pullDownStopped
    await page.pullDown()
    expect(page.data.items).toHaveLength(10)
    expect(page.data.finished).toBe(false)
    expect(mp.state.pullDownStopped).toBe(stopped + 1)
  })
})
