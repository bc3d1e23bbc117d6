/**
 * 秒杀 against the live server: the list shows each window's state and countdown; buying from
 * the detail page needs an address, places the seckill order, pays through the cashier double
 * and lands on the paid order; buying over the per-person limit shows the server's refusal.
 */
const mp = require('../support/mp')
const { ok, staffToken, shopperToken, addAddress, skusWithStock, minutesFromNow } = require('../support/promotions')

let running
let upcoming
let runningSku

beforeAll(async () => {
  const token = await staffToken()
  const seeded = await ok('GET', '/seckill', undefined, await shopperToken('promo-seckill-setup'))
  const groupBuys = await ok('GET', '/group-buy', undefined, await shopperToken('promo-seckill-setup'))
  const [a, b] = await skusWithStock(2, new Set([...seeded, ...groupBuys].map((x) => x.sku_id)))
  runningSku = a
  running = await ok('POST', '/admin/seckill-activities', {
    name: '测试秒杀进行中', sku_id: a.id, seckill_price_fen: 990, stock: 5, per_user_limit: 1, starts_at: minutesFromNow(-10), ends_at: minutesFromNow(120),
  }, token)
  upcoming = await ok('POST', '/admin/seckill-activities', {
    name: '测试秒杀未开始', sku_id: b.id, seckill_price_fen: 1990, stock: 10, per_user_limit: 2, starts_at: minutesFromNow(60), ends_at: minutesFromNow(180),
  }, token)
})

describe('seckill', () => {
  test('the list shows states, prices and a countdown, and opens the detail', async () => {
    mp.as('promo-seckill-1')
    const list = await mp.open('pages/seckill/list')
    const live = list.component.querySelector(`#seckill-${running.id}`).dom.textContent
    expect(live).toContain('测试秒杀进行中')
    expect(live).toContain('进行中')
    expect(live).toContain('¥9.90')
    expect(live).toContain('距结束')
    const soon = list.component.querySelector(`#seckill-${upcoming.id}`).dom.textContent
    expect(soon).toContain('未开始')
    expect(soon).toContain('距开始')
    const card = list.data.items.find((i) => i.id === upcoming.id)
    expect(card.countdownMs).toBeGreaterThan(55 * 60000)
    expect(card.countdownMs).toBeLessThanOrEqual(60 * 60000)
    expect(list.has(`#countdown-${upcoming.id}`)).toBe(true)
    await list.tap(`#seckill-${upcoming.id}`)
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: `/pages/seckill/detail?id=${upcoming.id}` })

    const detail = await mp.open('pages/seckill/detail', { id: String(upcoming.id) })
    expect(detail.text()).toContain('即将开抢')
    expect(detail.text()).toContain('每人限购 2 件')
  })

  test('buying needs an address, pays, and a second buy over the limit shows the refusal', async () => {
    mp.as('promo-seckill-2')
    const page = await mp.open('pages/seckill/detail', { id: String(running.id) })
    expect(page.text()).toContain('立即抢购')
    expect(page.text()).toContain(runningSku.product_title)
    expect(page.data.activity.image).toMatch(/^https?:\/\//)
    expect(page.text()).toContain('剩余 5 / 5 件')
    await page.tap('#buy')
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: '/pages/address/edit' })

    const token = await shopperToken('promo-seckill-2')
    const address = await addAddress(token)
    await page.call('onShow')
    await page.tap('#buy')
    const placed = mp.state.requests.find((r) => r.method === 'POST' && r.url.endsWith(`/seckill/${running.id}/orders`) && r.response && r.response.id)
    expect(placed.data).toEqual({ address_id: address.id, remark: '' })
    const orderId = placed.response.id
    expect(mp.state.payments).toHaveLength(1)
    expect(mp.lastNavigation()).toEqual({ kind: 'redirectTo', url: `/pages/order/detail?id=${orderId}` })
    const order = await ok('GET', `/orders/${orderId}`, undefined, token)
    expect(order.status).toBe('paid')
    expect(order.paid_fen).toBe(order.payable_fen)
    expect(order.lines[0].paid_fen).toBe(990)
    expect(order.discounts.map((d) => d.kind)).toEqual(['seckill'])

    const again = await mp.open('pages/seckill/detail', { id: String(running.id) })
    expect(again.text()).toContain('剩余 4 / 5 件')
    await again.tap('#buy')
    expect(mp.state.toasts[mp.state.toasts.length - 1]).toBe('您已达到该活动的限购数量')
    expect(mp.state.payments).toHaveLength(1)
  })

  test('shares the detail page with its id', async () => {
    mp.as('promo-seckill-3')
    const page = await mp.open('pages/seckill/detail', { id: String(running.id) })
    expect(page.share().path).toBe(`/pages/seckill/detail?id=${running.id}`)
    expect(page.shareTimeline().query).toBe(`id=${running.id}`)
  })

  test('an unknown activity shows the server message', async () => {
    mp.as('promo-seckill-4')
    const page = await mp.open('pages/seckill/detail', { id: '999999' })
    expect(page.text()).toContain('秒杀活动不存在')
    expect(page.has('#buy')).toBe(false)
  })
})
