/**
 * 数据洞察 against the live sandbox server: shares opened from a chat card and from a poster's
 * code are counted once per phone per day for the sharer, and the insights page shows them with
 * what sells, when, who buys and the funnel.
 */
const mp = require('../support/mp')
const { makeDistributor } = require('../support/distributor-helpers')

describe('a distributor\'s insights', () => {
  let code

  beforeAll(async () => {
    const token = await makeDistributor('dist-insights-1', '13900005555')
    code = (await mp.api('GET', '/distribution/me', undefined, token)).data.code
  })

  test('opens from a shared card and a poster count once a day each, by channel', async () => {
    mp.as('insights-friend-1')
    await mp.open('pages/index/index', { ref: code }, { entry: true })
    await mp.open('pages/index/index', { ref: code }, { entry: true }) // back from the background
    mp.as('insights-friend-2')
    await mp.open('pages/index/index', { scene: encodeURIComponent(`ref=${code}&c=p`) }, { entry: true })
    const opens = mp.state.requests.filter((r) => r.url.includes('/distribution/opens'))
    expect(opens.map((r) => r.data)).toEqual([{ code, channel: 'share' }, { code, channel: 'poster' }])

    mp.as('dist-insights-1')
    const page = await mp.open('pages/distributor/insights/index')
    expect(page.data.days).toBe(30)
    const channels = Object.fromEntries(page.data.channels.map((c) => [c.label, c.value]))
    expect(channels).toMatchObject({ 小程序分享: 1, 海报: 1, 小程序码: 0 })
    expect(page.data.funnel.map((s) => [s.key, s.value])).toEqual([
      ['opens', 2], ['bindings', 2], ['first_orders', 0], ['repeat_orders', 0],
    ])
    for (const id of ['#products', '#when', '#customers', '#funnel']) expect(page.has(id)).toBe(true)
    expect(page.text()).toContain('这段时间还没有客户通过您下单')
    expect(page.share().path).toBe(`/pages/index/index?ref=${code}`)
  })

  test('the seeded distributor sees what her customers buy, with what a unit earns her', async () => {
    mp.as('carol')
    const page = await mp.open('pages/distributor/insights/index')
    await page.trigger('#days-tabs', 'change', { value: 90 })
    expect(mp.state.requests[mp.state.requests.length - 1].url).toContain('days=90')
    expect(page.data.days).toBe(90)
    expect(page.data.mine.length).toBeGreaterThan(0)
    expect(page.data.mine.every((p) => p.commission_per_unit_fen > 0)).toBe(true)
    expect(page.text()).toContain('每件赚 ¥')
    expect(page.data.customers.buyers).toBeGreaterThan(0)
    expect(page.text()).toContain('客单价')
    // Aggregates only: no customer's name or phone is on the page.
    expect(page.text()).not.toMatch(/1\d{10}/)
  })

  test('the centre links to the insights page', async () => {
    mp.as('dist-insights-1')
    const centre = await mp.open('pages/distributor/centre/index')
    await centre.tap('#go-insights')
    expect(mp.lastNavigation().url).toBe('/pages/distributor/insights/index')
  })
})
