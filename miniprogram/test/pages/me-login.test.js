/** 账号与资料: phone binding through WeChat's button, the profile edit and logout. */
const fs = require('fs')
const path = require('path')
const mp = require('../support/mp')
const { SESSION, ok } = require('./me-helpers')

const phoneRequests = () => mp.state.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/auth/phone'))

describe('账号与资料', () => {
  test('shows who is logged in by the silent login', async () => {
    mp.as('me-login-who')
    const page = await mp.open('pages/login/index')
    const me = await ok('GET', '/auth/me')
    expect(page.component.querySelector('#who').dom.textContent).toBe(me.nickname || '微信用户')
    expect(page.text()).toContain('绑定手机号')
    expect(page.has('#no-phone')).toBe(true)
  })

  test('binding the WeChat phone shows it masked, and the server has it', async () => {
    mp.as('me-login-phone')
    const page = await mp.open('pages/login/index')
    await page.trigger('#bind-phone', 'getphonenumber', { code: 'sandbox-phone-13712345678', errMsg: 'getPhoneNumber:ok' })
    expect(page.component.querySelector('#phone').dom.textContent).toBe('137****5678')
    expect(page.text()).toContain('更换手机号')
    expect(mp.state.toasts).toContain('手机号已绑定')
    const me = await ok('GET', '/auth/me')
    expect([me.phone, me.has_phone]).toEqual(['13712345678', true])
    // 我的 shows it masked too, and no longer offers to bind.
    const mePage = await mp.open('pages/me/index')
    expect(mePage.component.querySelector('#phone').dom.textContent).toBe('137****5678')
    expect(mePage.has('#bind-phone')).toBe(false)
  })

  test('a refused phone prompt sends nothing and says so', async () => {
    mp.as('me-login-deny')
    const page = await mp.open('pages/login/index')
    const before = phoneRequests().length
    await page.trigger('#bind-phone', 'getphonenumber', { errMsg: 'getPhoneNumber:fail user deny' })
    expect(phoneRequests().length).toBe(before)
    expect(mp.state.toasts[mp.state.toasts.length - 1]).toBe('未授权手机号，可稍后再绑定')
    expect(page.has('#no-phone')).toBe(true)
    expect((await ok('GET', '/auth/me')).has_phone).toBe(false)
  })

  test('a code WeChat rejects shows the server’s message', async () => {
    mp.as('me-login-badcode')
    const page = await mp.open('pages/login/index')
    await page.trigger('#bind-phone', 'getphonenumber', { code: 'not-a-sandbox-code', errMsg: 'getPhoneNumber:ok' })
    const answer = phoneRequests().pop()
    expect(answer.statusCode).toBeGreaterThanOrEqual(400)
    expect(mp.state.toasts[mp.state.toasts.length - 1]).toBe(answer.response.message)
    expect(page.has('#no-phone')).toBe(true)
  })

  test('a chosen avatar is uploaded and the nickname saved with PATCH /auth/me', async () => {
    mp.as('me-login-profile')
    const page = await mp.open('pages/login/index')
    await page.trigger('#nickname', 'input', { value: '小满' })
    mp.state.files.set('wxfile://tmp_me_login.png', fs.readFileSync(path.join(__dirname, '../fixtures/avatar.png')))
    await page.trigger('#avatar', 'chooseavatar', { avatarUrl: 'wxfile://tmp_me_login.png' })
    await page.tap('#save')
    const me = await ok('GET', '/auth/me')
    expect(me.nickname).toBe('小满')
    expect(me.avatar_url).toContain('/media/avatars/')
    expect(page.data.avatarUrl).toBe(me.avatar_url)
    expect(page.component.querySelector('#who').dom.textContent).toBe('小满')
    expect(page.data.dirty).toBe(false)
  })

  test('a field the server refuses is shown under it, and what was typed stays', async () => {
    mp.as('me-login-profile-bad')
    const page = await mp.open('pages/login/index')
    const before = await ok('GET', '/auth/me')
    await page.trigger('#nickname', 'input', { value: 'x'.repeat(65) })
    await page.tap('#save')
    const refused = mp.state.requests.filter((r) => r.method === 'PATCH').pop()
    expect(refused.statusCode).toBe(422)
    expect(refused.response.field).toBe('nickname')
    expect(page.component.querySelector('#nickname-error').dom.textContent).toBe(refused.response.errors[0].message)
    expect(mp.state.toasts[mp.state.toasts.length - 1]).toBe(refused.response.message)
    expect(page.data.nickname).toBe('x'.repeat(65))
    expect(page.has('#avatar-error')).toBe(false)
    expect((await ok('GET', '/auth/me')).nickname).toBe(before.nickname)
  })

  test('退出登录 asks first, revokes the session and the next call logs in afresh', async () => {
    mp.as('me-login-out')
    const page = await mp.open('pages/login/index')
    const old = wx.getStorageSync(SESSION)
    expect(old.access).toBeTruthy()

    mp.state.modalAnswer = false
    await page.tap('#logout')
    expect(wx.getStorageSync(SESSION).access).toBe(old.access)
    expect(mp.state.requests.some((r) => r.url.endsWith('/auth/logout'))).toBe(false)

    mp.state.modalAnswer = true
    await page.tap('#logout')
    expect(mp.state.modals[mp.state.modals.length - 1]).toContain('退出')
    expect(mp.lastNavigation()).toEqual({ kind: 'reLaunch', url: '/pages/index/index' })
    expect(wx.getStorageSync(SESSION)).toBe('')
    // The old tokens are dead on the server too.
    expect((await mp.api('GET', '/auth/me', undefined, `Bearer ${old.access}`)).statusCode).toBe(401)
    expect((await mp.api('POST', '/auth/refresh', { refresh: old.refresh })).statusCode).toBe(401)

    const logins = mp.state.requests.filter((r) => r.url.endsWith('/auth/wechat-login')).length
    const again = await mp.open('pages/me/index')
    expect(again.data.user.id).toBeTruthy()
    const fresh = wx.getStorageSync(SESSION)
    expect(fresh.access).toBeTruthy()
    expect(fresh.access).not.toBe(old.access)
    expect(mp.state.requests.filter((r) => r.url.endsWith('/auth/wechat-login')).length).toBe(logins + 1)
  })
})
