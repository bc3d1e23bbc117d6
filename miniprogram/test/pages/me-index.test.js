/** 我的: the profile, order counts as badges, the distributor entry and where each shortcut leads. */
const mp = require('../support/mp')
const { bearer, ok, placeOrder, pay } = require('./me-helpers')

const countOf = (page, key) => page.data.shortcuts.find((s) => s.key === key).count

describe('我的 tab', () => {
  test('the badges count the shopper’s own orders and move on the next show', async () => {
    mp.as('me-counts-1')
    let page = await mp.open('pages/me/index')
    expect(countOf(page, 'pending_payment')).toBe(0)
    expect(countOf(page, 'to_ship')).toBe(0)

    const unpaid = await placeOrder()
    const paid = await pay(await placeOrder())
    expect([unpaid.status, paid.status]).toEqual(['pending_payment', 'paid'])

    await page.call('onShow')
    const server = await ok('GET', '/orders/counts')
    expect(countOf(page, 'pending_payment')).toBe(1)
    expect(countOf(page, 'to_ship')).toBe(1)
    expect(countOf(page, 'to_receive')).toBe(0)
    expect(server).toMatchObject({ pending_payment: 1, to_ship: 1, to_receive: 0, completed: 0, open_after_sales: 0 })
    // The badges are drawn: the counts are on the page, not only in its data.
    expect(page.component.querySelector('#order-pending_payment').dom.textContent).toContain('1')
    expect(page.component.querySelector('#order-to_ship').dom.textContent).toContain('1')

    // An after-sale in progress lights the 售后 badge, as the after-sales list's "open" filter counts.
    expect(countOf(page, 'open_after_sales')).toBe(0)
    await ok('POST', `/orders/${paid.id}/after-sales`, {
      kind: 'refund_only', reason: '不想要了', lines: [{ order_line_id: paid.lines[0].id, quantity: 1 }],
    })
    await page.call('onShow')
    expect(countOf(page, 'open_after_sales')).toBe(1)
    expect((await ok('GET', '/after-sales?status=open')).count).toBe(1)
    expect(page.component.querySelector('#order-open_after_sales').dom.textContent).toContain('1')

    // Another shopper's orders never show up here.
    mp.as('me-counts-2')
    page = await mp.open('pages/me/index')
    expect(page.data.shortcuts.every((s) => s.count === 0)).toBe(true)
  })

  test('tapping 待付款 opens the order list filtered by that status, 售后 the after-sales list', async () => {
    mp.as('me-counts-1')
    const page = await mp.open('pages/me/index')
    await page.tap('#order-pending_payment')
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: '/pages/order/list?status=pending_payment' })
    // The status is one the order list API accepts, and it lists the unpaid order.
    const listed = await ok('GET', '/orders?status=pending_payment')
    expect(listed.count).toBe(1)
    await page.tap('#order-open_after_sales')
    expect(mp.lastNavigation().url).toBe('/pages/after-sale/list')
    await page.tap('#all-orders')
    expect(mp.lastNavigation().url).toBe('/pages/order/list')
  })

  test('a new shopper sees 成为分销商 and the menu leads to coupons, addresses and invites', async () => {
    mp.as('me-newcomer-1')
    const page = await mp.open('pages/me/index')
    expect(page.text()).toContain('成为分销商')
    expect(page.text()).toContain('绑定手机号')
    await page.tap('#distributor')
    expect(mp.lastNavigation().url).toBe('/pages/distributor/centre/apply')
    for (const [id, url] of [
      ['#menu-coupons', '/pages/coupon/mine'],
      ['#menu-coupon-centre', '/pages/coupon/centre'],
      ['#menu-addresses', '/pages/address/list'],
      ['#menu-invite', '/pages/invite/index'],
      ['#menu-account', '/pages/login/index'],
    ]) {
      await page.trigger(id, 'click')
      expect(mp.lastNavigation().url).toBe(url)
    }
    await page.tap('#bind-phone')
    expect(mp.lastNavigation().url).toBe('/pages/login/index')
  })

  test('the demo applicant alice sees 审核中 instead of 成为分销商', async () => {
    mp.as('alice')
    const page = await mp.open('pages/me/index')
    const me = await ok('GET', '/distribution/me')
    expect([me.is_distributor, me.status]).toEqual([false, 'applying'])
    expect(page.text()).toContain('审核中')
    expect(page.text()).not.toContain('成为分销商')
    expect(page.text()).toContain('小艾同学')
    expect(page.text()).toContain('138****0001')
    // Her seeded orders: one received (已完成) among them, counted like the server counts.
    const counts = await ok('GET', '/orders/counts')
    expect(page.data.shortcuts.find((s) => s.key === 'pending_payment').count).toBe(counts.pending_payment)
    expect(page.data.shortcuts.find((s) => s.key === 'to_receive').count).toBe(counts.to_receive)
  })

  test('the demo distributor carol sees her centre with her available balance', async () => {
    mp.as('carol')
    const page = await mp.open('pages/me/index')
    const me = await ok('GET', '/distribution/me')
    expect([me.is_distributor, me.status]).toEqual([true, 'active'])
    expect(me.balances.available_fen).toBeGreaterThan(0)
    expect(page.text()).toContain('分销中心')
    expect(page.text()).not.toContain('成为分销商')
    const available = me.balances.available_fen
    expect(page.component.querySelector('#available').dom.textContent).toBe(`¥${Math.floor(available / 100)}.${String(available % 100).padStart(2, '0')}`)
    await page.tap('#distributor')
    expect(mp.lastNavigation().url).toBe('/pages/distributor/centre/index')
    // Her shares are signed with her code from now on.
    expect(page.share().path).toBe(`/pages/index/index?ref=${me.code}`)
  })

  test('pull-down refresh reloads and stops the spinner', async () => {
    mp.as('me-counts-1')
    const page = await mp.open('pages/me/index')
    const stopped = mp.state.pullDownStopped
    await placeOrder()
    await page.pullDown()
    expect(countOf(page, 'pending_payment')).toBe(2)
    expect(mp.state.pullDownStopped).toBe(stopped + 1)
    expect(bearer()).toMatch(/^Bearer .+/)
  })
})
