const mp = require('../support/mp')
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

  test('when the platform makes everyone a distributor, applying opens the centre at once', async () => {
    const staff = await staffToken()
    await mp.api('PUT', '/admin/distribution/settings', { become_policy: 'everyone' }, staff)
    try {
      mp.as('dist-apply-3')
      await userToken('dist-apply-3')
      const page = await mp.open(APPLY)
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
