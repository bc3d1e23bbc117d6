const mp = require('../support/mp')
const { staffToken, userToken } = require('../support/distributor-helpers')

const REQUEST = 'pages/distributor/withdrawal/request'
const LIST = 'pages/distributor/withdrawal/list'

const shown = (page, selector) => page.all(selector)[0].dom.textContent.trim()

// bob is a seeded distributor whose demo commissions (from dave's delivered orders) already settled.
describe('withdrawing commission', () => {
  beforeEach(() => mp.as('bob'))

  test('bad input and an amount below the minimum send nothing; the minimum is named and the amount kept', async () => {
    const page = await mp.open(REQUEST)
    expect(page.data.available).toBeGreaterThan(200)

    await page.input('#amount', '1.234')
    const before = mp.state.requests.length
    await page.tap('#submit')
    expect(mp.state.requests.length).toBe(before)
    expect(mp.state.toasts.pop()).toBe('请输入正确的提现金额（最多两位小数）')

    await page.input('#amount', '0.50')
    expect(page.text()).toContain('低于最低提现金额 ¥1.00')
    await page.tap('#submit')
    expect(mp.state.requests.length).toBe(before)
    expect(mp.state.toasts.pop()).toBe('单笔最低提现 ¥1.00，请提高提现金额')
    expect(page.data.amount).toBe('0.50')
    expect(mp.state.navigations.filter((n) => n.url && n.url.includes('withdrawal/list'))).toEqual([])
  })

  test('the platform\'s rules are shown, and the fee the operator sets is previewed to the fen and charged so', async () => {
    const page = await mp.open(REQUEST)
    // The seeded rules: no fee, ¥1 minimum, ¥5000 a day, above ¥200 reviewed by the operator.
    const rules = page.all('#rules .rule').map((n) => n.dom.textContent.trim())
    expect(rules).toEqual(['· 最低提现 ¥1.00', '· 免手续费', '· 每日上限 ¥5000.00', '· 超过 ¥200.00 需人工审核'])
    expect(page.data.methods.map((m) => m.label)).toEqual(['微信零钱', '银行卡'])
    await page.input('#amount', '2')
    expect([shown(page, '#preview-fee'), shown(page, '#preview-arrival')]).toEqual(['¥0.00', '¥2.00'])

    // Other files share the server: the fee stays small (no seeded withdrawal is refused for it)
    // and is set back before this test ends.
    const staff = await staffToken()
    const saved = (await mp.api('GET', '/admin/distribution/settings', undefined, staff)).data
    const put = await mp.api('PUT', '/admin/distribution/settings', { withdraw_fee_bps: 60, withdraw_fee_min_fen: 10 }, staff)
    expect(put.statusCode).toBe(200)
    try {
      await page.call('onShow')
      expect(page.text()).toContain('手续费 0.6%（最低 ¥0.10）')
      // ¥2 at 0.6% is 1.2 fen: the ¥0.10 minimum applies.
      expect(page.data.amount).toBe('2')
      expect([shown(page, '#preview-fee'), shown(page, '#preview-arrival')]).toEqual(['¥0.10', '¥1.90'])
      // ¥19.99 at 0.6% is 11.994 fen, rounded down as the server does.
      await page.input('#amount', '19.99')
      expect(page.data.preview).toMatchObject({ fee: 11, arrival: 1988 })
      expect([shown(page, '#preview-fee'), shown(page, '#preview-arrival')]).toEqual(['¥0.11', '¥19.88'])
      // Above the review threshold the preview says so.
      await page.input('#amount', '250')
      expect(page.data.preview).toMatchObject({ fee: 150, arrival: 24850, reviewed: true })
      expect(page.text()).toContain('超过 ¥200.00，需平台人工审核后打款')

      // What the server charges is what the page said.
      await page.input('#amount', '1.50')
      await page.tap('#submit')
      const created = [...mp.state.requests].reverse().find((r) => r.method === 'POST' && r.url.endsWith('/distribution/withdrawals'))
      expect(created.data.amount_fen).toBe(150)
      expect(created.response).toMatchObject({ amount_fen: 150, fee_fen: 10, net_fen: 140 })
    } finally {
      const restore = { withdraw_fee_bps: saved.withdraw_fee_bps, withdraw_fee_min_fen: saved.withdraw_fee_min_fen }
      await mp.api('PUT', '/admin/distribution/settings', restore, staff)
    }
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
