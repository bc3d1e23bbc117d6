const mp = require('../support/mp')
const { userToken } = require('../support/distributor-helpers')

const REQUEST = 'pages/distributor/withdrawal/request'
const LIST = 'pages/distributor/withdrawal/list'

// bob is a seeded distributor whose demo commissions (from dave's delivered orders) already settled.
describe('withdrawing commission', () => {
  beforeEach(() => mp.as('bob'))

  test('a too-small amount shows the server\'s message and keeps the amount; bad input sends nothing', async () => {
    const page = await mp.open(REQUEST)
    expect(page.data.available).toBeGreaterThan(200)

    await page.input('#amount', '1.234')
    const before = mp.state.requests.length
    await page.tap('#submit')
    expect(mp.state.requests.length).toBe(before)
    expect(mp.state.toasts.pop()).toBe('请输入正确的提现金额（最多两位小数）')

    await page.input('#amount', '0.50')
    await page.tap('#submit')
    expect(mp.state.toasts.pop()).toBe('单笔提现不能低于 1.00 元')
    expect(page.data.amount).toBe('0.50')
    expect(mp.state.navigations.filter((n) => n.url && n.url.includes('withdrawal/list'))).toEqual([])
  })

  test('more than the balance is refused with the server\'s message', async () => {
    const page = await mp.open(REQUEST)
    await page.input('#amount', '4000')
    await page.tap('#submit')
    expect(mp.state.toasts.pop()).toMatch(/^(可提现余额不足|超出每日提现上限)/)
    expect(page.data.amount).toBe('4000')
  })

  test('a WeChat withdrawal is confirmed in WeChat and the list shows it paid', async () => {
    const token = await userToken('bob')
    const before = (await mp.api('GET', '/distribution/me', undefined, token)).data.balances

    const page = await mp.open(REQUEST)
    await page.input('#amount', '2')
    await page.tap('#submit')

    const transfer = mp.state.transfers[mp.state.transfers.length - 1]
    const created = [...mp.state.requests].reverse().find((r) => r.method === 'POST' && r.url.endsWith('/distribution/withdrawals'))
    expect(created.data).toEqual({ amount_fen: 200, method: 'wechat' })
    expect(transfer).toMatchObject(created.response.confirm_params)
    expect(Object.keys(created.response.confirm_params).sort()).toEqual(['appId', 'mchId', 'package'])
    expect(mp.lastNavigation()).toEqual({ kind: 'redirectTo', url: '/pages/distributor/withdrawal/list' })

    const detail = await mp.api('GET', `/distribution/withdrawals/${created.response.id}`, undefined, token)
    expect(detail.data).toMatchObject({ status: 'paid', amount_fen: 200, confirm_params: null })
    const after = (await mp.api('GET', '/distribution/me', undefined, token)).data.balances
    expect(after.available_fen).toBe(before.available_fen - 200)
    expect(after.withdrawn_fen).toBe(before.withdrawn_fen + 200)

    const list = await mp.open(LIST)
    expect(list.data.items[0]).toMatchObject({ id: created.response.id, status: 'paid' })
    expect(list.text()).toContain('已到账')
  })

  test('a withdrawal left unconfirmed is confirmed from the list with 确认收款', async () => {
    const token = await userToken('bob')
    const created = await mp.api('POST', '/distribution/withdrawals', { amount_fen: 100, method: 'wechat' }, token)
    expect(created.data.status).toBe('paying')

    const list = await mp.open(LIST)
    expect(list.has(`#confirm-${created.data.id}`)).toBe(true)
    expect(list.text()).toContain('打款中')
    await list.tap(`#confirm-${created.data.id}`)

    expect(mp.state.transfers[mp.state.transfers.length - 1]).toMatchObject({ package: created.data.confirm_params.package })
    expect(mp.state.requests.some((r) => r.method === 'GET' && r.url.endsWith(`/distribution/withdrawals/${created.data.id}`))).toBe(true)
    expect(mp.state.toasts).toContain('已确认收款')
    const detail = await mp.api('GET', `/distribution/withdrawals/${created.data.id}`, undefined, token)
    expect(detail.data.status).toBe('paid')
    expect(list.has(`#confirm-${created.data.id}`)).toBe(false)
    expect(list.data.items.find((w) => w.id === created.data.id).status).toBe('paid')
  })
})
