const mp = require('../support/mp')

// The demo network: bob → carol (his level 1, a distributor) → dave, who shops through carol.
describe('the seeded distributors see their network and earnings', () => {
  test('carol\'s centre shows her tier, code and balances', async () => {
    mp.as('carol')
    const page = await mp.open('pages/distributor/centre/index')
    const { me } = page.data
    expect(me.is_distributor).toBe(true)
    expect(page.text()).toContain('普通分销商')
    expect(page.text()).toContain(`推广码 ${me.code}`)
    expect(page.text()).toContain(`待结算（冻结中）`)
    expect(page.all('.shortcut').length).toBe(13)
    expect(page.share().path).toBe(`/pages/index/index?ref=${me.code}`)
  })

  test('carol sees dave in her team, as a customer and in her referred orders, masked', async () => {
    mp.as('carol')
    const team = await mp.open('pages/distributor/network/team')
    expect(team.data.counts).toEqual({ level1: 1, level2: 0 })
    expect(team.text()).toContain('一级成员 1')
    expect(team.text()).toContain('138****0004')
    expect(team.text()).not.toContain('13812340004')

    const customers = await mp.open('pages/distributor/network/customers')
    expect(customers.data.items).toHaveLength(1)
    expect(customers.data.items[0]).toMatchObject({ name: '大*', order_count: 3 })
    expect(customers.text()).toContain('下单 3 笔')

    const orders = await mp.open('pages/distributor/network/orders')
    expect(orders.data.items).toHaveLength(3)
    expect(orders.text()).toContain('买家 大*')
    expect(orders.data.items.every((o) => /\*{4}/.test(o.order_no))).toBe(true)
    await orders.trigger('#status-tabs', 'change', { value: 'pending' })
    expect(orders.data.items).toHaveLength(1)
    expect(orders.text()).toContain('待结算')
    expect(mp.state.requests[mp.state.requests.length - 1].url).toContain('status=pending')
  })

  test('bob sees carol at level 1 and dave at level 2', async () => {
    mp.as('bob')
    const team = await mp.open('pages/distributor/network/team')
    expect(team.text()).toContain('138****0003')
    expect(team.text()).toContain('分销商')
    await team.trigger('#level-tabs', 'change', { value: 2 })
    expect(team.data.level).toBe(2)
    expect(team.text()).toContain('138****0004')
    expect(team.text()).toContain('二级成员 1 人')
  })

  test('carol\'s commissions with their states, the pending one held by the demo\'s risk case', async () => {
    mp.as('carol')
    const page = await mp.open('pages/distributor/earnings/index')
    expect(page.data.items.length).toBe(4)
    expect(page.text()).toContain('一级佣金 10%')
    expect(page.text()).toContain('已结算')
    // dave's complaint about her was escalated (demo/risk.py): its order's commission is held, and
    // she sees 审核中, never the case or its evidence.
    expect(page.text()).toContain('审核中')
    expect(page.text()).not.toContain('虚假宣传')
    expect(page.text()).toContain('退款扣回')
    await page.trigger('#status-tabs', 'change', { value: 'settled' })
    expect(page.data.items.length).toBe(3)
    expect(page.data.items.every((c) => c.status === 'settled')).toBe(true)
    await page.trigger('#status-tabs', 'change', { value: 'cancelled' })
    expect(page.data.items).toEqual([])
    expect(page.data).toMatchObject({ loaded: true, finished: true, error: '' })
    await page.pullDown()
    expect(page.data.loaded).toBe(true)
  })

  test('carol\'s tier progress and the rankings', async () => {
    mp.as('carol')
    const tier = await mp.open('pages/distributor/centre/tier')
    expect(tier.text()).toContain('升级到「银牌」')
    expect(tier.text()).toContain('一级 12% · 二级 6%')
    expect(tier.data.conditions.map((c) => c.key)).toEqual(['sales', 'customers', 'orders'])
    expect(tier.data.conditions[1]).toMatchObject({ done: '1', needed: '5', percent: 20 })
    expect(tier.all('.condition').length).toBe(3)
    expect(tier.text()).toContain('不会带来任何奖励')

    const rankings = await mp.open('pages/distributor/centre/rankings')
    expect(rankings.text()).toMatch(/我的排名：第 \d+ 名/)
    expect(rankings.data.entries.some((e) => e.is_me)).toBe(true)
    // Other people are masked, or shown as 微信用户 when they have no name at all.
    expect(rankings.data.entries.filter((e) => !e.is_me).every((e) => e.name.includes('*') || e.name === '微信用户')).toBe(true)
    await rankings.trigger('#by-tabs', 'change', { value: 'sales' })
    await rankings.trigger('#period-tabs', 'change', { value: 'month' })
    const last = mp.state.requests[mp.state.requests.length - 1]
    expect(last.url).toContain('period=month')
    expect(last.url).toContain('by=sales')
    expect(rankings.data.entries.length).toBeGreaterThan(0)
  })

  test('a shopper who is not a distributor sees the server\'s refusal on a network page', async () => {
    mp.as('dist-network-shopper')
    const page = await mp.open('pages/distributor/network/customers')
    expect(page.data).toMatchObject({ loaded: true, error: '您还不是分销商', items: [] })
  })
})
