const mp = require('../support/mp')
const format = require('../../utils/format')
const { staffToken, userToken, pendingApplication } = require('../support/distributor-helpers')

const APPLY = 'pages/distributor/centre/apply'
const CENTRE = 'pages/distributor/centre/index'

describe('applying to become a distributor', () => {
  test('the seeded policy asks for an application, which the operator reviews', async () => {
    const staff = await staffToken()
    const settings = await mp.api('GET', '/admin/distribution/settings', undefined, staff)
    expect(settings.data.become_policy).toBe('apply')
  })

  test('a fresh user applies, sees 审核中, is approved and then sees the centre with zero balances', async () => {
    mp.as('dist-apply-1')
    const centre = await mp.open(CENTRE)
    expect(mp.lastNavigation()).toEqual({ kind: 'redirectTo', url: '/pages/distributor/centre/apply' })
    expect(centre.data.me).toBe(null)

    const page = await mp.open(APPLY)
    expect(page.text()).toContain('不收取任何费用')
    expect(page.has('#apply-form')).toBe(true)

    // A bad phone never reaches the server, and nothing typed is lost.
    await page.input('#real-name', '周小满')
    await page.input('#phone', '12345')
    const before = mp.state.requests.length
    await page.tap('#submit')
    expect(mp.state.requests.length).toBe(before)
    expect(mp.state.toasts.pop()).toBe('请填写正确的 11 位手机号')
    expect(page.data.form.real_name).toBe('周小满')

    await page.input('#phone', '13900001111')
    await page.input('#reason', '想分享给同事')
    await page.tap('#submit')
    expect(page.text()).toContain('审核中')
    expect(page.has('#state-applying')).toBe(true)
    expect(page.has('#apply-form')).toBe(false)

    const staff = await staffToken()
    const application = await pendingApplication(staff, '13900001111')
    expect(application).toMatchObject({ real_name: '周小满', reason: '想分享给同事', status: 'pending' })
    const approved = await mp.api('POST', `/admin/distributor-applications/${application.id}/approve`, {}, staff)
    expect(approved.statusCode).toBe(200)

    await page.call('onShow')
    expect(mp.lastNavigation()).toEqual({ kind: 'redirectTo', url: '/pages/distributor/centre/index' })

    const home = await mp.open(CENTRE)
    expect(home.text()).toContain('普通分销商')
    expect(home.text()).toContain('一级 10% · 二级 5%')
    expect(home.data.me.balances).toEqual({ pending_fen: 0, available_fen: 0, withdrawing_fen: 0, withdrawn_fen: 0 })
    expect(home.text()).toContain('0.00')
    expect(home.text()).toMatch(/推广码 [A-Z0-9]+/)
    await home.tap('#go-team')
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: '/pages/distributor/network/team' })
  })

  test('a rejected application shows the reason and the form again', async () => {
    mp.as('dist-apply-2')
    const page = await mp.open(APPLY)
    await page.input('#real-name', '吴一')
    await page.input('#phone', '13900002222')
    await page.tap('#submit')
    const staff = await staffToken()
    const application = await pendingApplication(staff, '13900002222')
    await mp.api('POST', `/admin/distributor-applications/${application.id}/reject`, { reason: '资料不完整' }, staff)
    await page.call('onShow')
    expect(page.text()).toContain('已驳回')
    expect(page.text()).toContain('驳回原因：资料不完整')
    expect(page.has('#apply-form')).toBe(true)
  })

  test('under the spend policy the shopper sees the threshold, their own paid spend and a way to the shop', async () => {
    // dave shops in the demo data and is no distributor. The threshold stays far above what any
    // test shopper pays, so no other file's buyer qualifies while it is set.
    const staff = await staffToken()
    const saved = (await mp.api('GET', '/admin/distribution/settings', undefined, staff)).data
    const put = await mp.api('PUT', '/admin/distribution/settings', { become_policy: 'spend', spend_threshold_fen: 10000000 }, staff)
    expect(put.statusCode).toBe(200)
    try {
      mp.as('dave')
      const { join } = (await mp.api('GET', '/distribution/me', undefined, await userToken('dave'))).data
      expect(join).toMatchObject({ policy: 'spend', threshold_fen: 10000000 })
      expect(join.spent_fen).toBeGreaterThan(0)

      const page = await mp.open(APPLY)
      expect(page.text()).toContain('累计消费满 ¥100000.00 自动成为分销商')
      expect(page.text()).toContain(`已消费 ¥${format.yuan(join.spent_fen)}`)
      expect(page.text()).toContain(`还差 ¥${format.yuan(10000000 - join.spent_fen)}`)
      expect(page.text()).toContain('不收取任何费用')
      expect(page.data.spend.percent).toBe(Math.floor((join.spent_fen * 100) / 10000000))
      expect(page.has('#spend-bar')).toBe(true)
      // Buying is never the only way in: the application stays open.
      expect(page.has('#apply-form')).toBe(true)

      await page.tap('#go-shop')
      expect(mp.lastNavigation()).toEqual({ kind: 'switchTab', url: '/pages/index/index' })
    } finally {
      const restore = { become_policy: saved.become_policy, spend_threshold_fen: saved.spend_threshold_fen }
      await mp.api('PUT', '/admin/distribution/settings', restore, staff)
    }
  })

  test('under the apply policy no spend is shown; the button submits an application', async () => {
    mp.as('dist-apply-4')
    const page = await mp.open(APPLY)
    expect(page.data.me.join).toMatchObject({ policy: 'apply', threshold_fen: null, spent_fen: null })
    expect(page.has('#spend-progress')).toBe(false)
    expect(page.text()).toContain('平台审核通过后即可成为分销商')
    expect(page.text()).toContain('提交申请')
  })

  test('when the platform makes everyone a distributor, applying opens the centre at once', async () => {
    const staff = await staffToken()
    await mp.api('PUT', '/admin/distribution/settings', { become_policy: 'everyone' }, staff)
    try {
      mp.as('dist-apply-3')
      await userToken('dist-apply-3')
      const page = await mp.open(APPLY)
      expect(page.data.me.join.policy).toBe('everyone')
      expect(page.text()).toContain('立即成为分销商')
      expect(page.has('#spend-progress')).toBe(false)
      await page.input('#real-name', '郑三')
      await page.input('#phone', '13900003333')
      await page.tap('#submit')
      expect(mp.state.toasts).toContain('已开通分销资格')
      expect(mp.lastNavigation()).toEqual({ kind: 'redirectTo', url: '/pages/distributor/centre/index' })
    } finally {
      await mp.api('PUT', '/admin/distribution/settings', { become_policy: 'apply' }, staff)
    }
  })
})
