/**
 * 拼团 against the live server, with a two-person group: shopper A opens a group from the
 * activity page and pays; the group page's share carries the group; shopper B opens that share
 * as a new entry, joins and pays; the group is complete on the page and on the server.
 */
const mp = require('../support/mp')
const { ok, staffToken, shopperToken, addAddress, skusWithStock, minutesFromNow } = require('../support/promotions')

let activity

function parsePath(sharePath) {
  const [route, search = ''] = sharePath.replace(/^\//, '').split('?')
  return { route, query: Object.fromEntries(new URLSearchParams(search)) }
}

beforeAll(async () => {
  const reader = await shopperToken('promo-gb-setup')
  const taken = [...(await ok('GET', '/seckill', undefined, reader)), ...(await ok('GET', '/group-buy', undefined, reader))]
  const [sku] = await skusWithStock(1, new Set(taken.map((x) => x.sku_id)), 4)
  activity = await ok('POST', '/admin/group-buy-activities', {
    name: '测试两人团', sku_id: sku.id, group_size: 2, group_price_fen: 1880, leader_price_fen: 1680, time_limit_minutes: 120, starts_at: minutesFromNow(-5), ends_at: minutesFromNow(600),
  }, await staffToken())
})

describe('group-buy', () => {
  test('the list shows the activity with its group price and size', async () => {
    mp.as('promo-gb-list')
    const list = await mp.open('pages/group-buy/list')
    const card = list.component.querySelector(`#group-buy-${activity.id}`).dom.textContent
    expect(card).toContain('2人团')
    expect(card).toContain('¥18.80')
    expect(card).toContain('进行中')
    await list.tap(`#group-buy-${activity.id}`)
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: `/pages/group-buy/activity?id=${activity.id}` })
  })

  test('A opens a group and pays, B joins from the share, and the group is complete', async () => {
    mp.as('promo-gb-a')
    const tokenA = await shopperToken('promo-gb-a')
    await addAddress(tokenA)
    const page = await mp.open('pages/group-buy/activity', { id: String(activity.id) })
    expect(page.text()).toContain('团长价')
    expect(page.text()).toContain('开团后2小时内')
    expect(page.text()).toContain('暂无正在进行的团')
    await page.tap('#open-group')
    const opened = mp.state.requests.find((r) => r.method === 'POST' && r.url.endsWith(`/group-buy/${activity.id}/groups`) && r.response && r.response.group)
    const groupId = opened.response.group.id
    expect(mp.state.payments).toHaveLength(1)
    expect(mp.lastNavigation()).toEqual({ kind: 'redirectTo', url: `/pages/group-buy/group?id=${groupId}` })
    const orderA = await ok('GET', `/orders/${opened.response.order.id}`, undefined, tokenA)
    expect(orderA.status).toBe('paid')
    expect(orderA.lines[0].paid_fen).toBe(1680)

    const mine = await mp.open('pages/group-buy/group', { id: String(groupId) })
    expect(mine.text()).toContain('拼团中')
    expect(mine.text()).toContain('我已参团')
    expect(mine.text()).toContain('还差 1 人成团')
    expect(mine.text()).toContain('团长')
    expect(mine.has('#countdown')).toBe(true)
    expect(mine.data.group.countdownMs).toBeGreaterThan(110 * 60000)
    const shared = mine.share()
    expect(shared.path).toMatch(new RegExp(`^/pages/group-buy/group\\?group_id=${groupId}(&|$)`))

    mp.as('promo-gb-b')
    await addAddress(await shopperToken('promo-gb-b'))
    const square = await mp.open('pages/group-buy/activity', { id: String(activity.id) })
    expect(square.component.querySelector(`#group-${groupId}`).dom.textContent).toContain('还差 1 人')
    await square.tap(`#group-${groupId} .join`)
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: `/pages/group-buy/group?id=${groupId}` })

    const { route, query } = parsePath(shared.path)
    const visitor = await mp.open(route, query, { entry: true })
    expect(visitor.text()).toContain('参团')
    expect(visitor.text()).not.toContain('我已参团')
    expect(visitor.data.group.members).toHaveLength(1)
    await visitor.tap('#join')
    expect(mp.state.payments).toHaveLength(2)
    expect(visitor.data.group.members).toHaveLength(2)
    expect(visitor.text()).toContain('已成团')
    expect(visitor.text()).toContain('我已参团')
    expect(visitor.has('#countdown')).toBe(false)

    const server = await ok('GET', `/group-buy/groups/${groupId}`, undefined, tokenA)
    expect(server.status).toBe('succeeded')
    expect(server.paid_count).toBe(2)
  })

  test('a distributor\'s group share carries the ref, which the joining order sends', async () => {
    // bob (the demo's distributor) opened a three-person group when the demo was seeded.
    const bob = await shopperToken('bob')
    const [seeded] = await ok('GET', '/group-buy/mine', undefined, bob)
    mp.as('bob')
    const own = await mp.open('pages/group-buy/group', { id: String(seeded.group.id) })
    expect(own.text()).toContain('我已参团')
    expect(own.has('#invite')).toBe(true)
    const { path } = own.share()
    const { route, query } = parsePath(path)
    expect(query.group_id).toBe(String(seeded.group.id))
    expect(query.ref).toMatch(/^[0-9A-Za-z_-]+$/)

    mp.as('promo-gb-c')
    const visitor = await mp.open(route, query, { entry: true })
    expect(visitor.text()).toContain('还差 2 人成团')
    await visitor.tap('#join')
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: '/pages/address/edit' })
    await addAddress(await shopperToken('promo-gb-c'))
    await visitor.tap('#join')
    const joined = mp.state.requests.find((r) => r.method === 'POST' && r.url.endsWith(`/group-buy/groups/${seeded.group.id}/members`))
    expect(joined.data).toMatchObject({ quantity: 1, ref: query.ref, ref_source: 'link' })
    expect(visitor.text()).toContain('还差 1 人成团')
    expect(visitor.text()).toContain('我已参团')
  })

  test('an unknown group shows the server message', async () => {
    mp.as('promo-gb-d')
    const page = await mp.open('pages/group-buy/group', { group_id: '999999' })
    expect(page.data.error).toBeTruthy()
    expect(page.text()).toContain(page.data.error)
    expect(page.text()).toContain('重新加载')
  })
})
