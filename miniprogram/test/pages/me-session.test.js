/**
 * The foundation's token handling as a page meets it: an expired access token is refreshed once,
 * a dead refresh token leads to a silent new login, and an API error reaches the user as the
 * server's own message.
 */
const mp = require('../support/mp')
const { SESSION, ok } = require('./me-helpers')

const calls = (suffix) => mp.state.requests.filter((r) => r.url.split('?')[0].endsWith(suffix))
const spoil = (fields) => wx.setStorageSync(SESSION, { ...wx.getStorageSync(SESSION), ...fields })

describe('session handling', () => {
  test('a garbage access token with a good refresh token is refreshed once and the page loads', async () => {
    mp.as('me-session-refresh')
    const first = await mp.open('pages/me/index')
    const userId = first.data.user.id
    const before = wx.getStorageSync(SESSION)
    spoil({ access: 'garbage' })
    const refreshes = calls('/auth/refresh').length
    const logins = calls('/auth/wechat-login').length

    const page = await mp.open('pages/me/index')

    expect(page.data.error).toBe('')
    expect(page.data.user.id).toBe(userId)
    // 我的 asks three things at once: all three 401s share one refresh.
    expect(calls('/auth/refresh').length).toBe(refreshes + 1)
    expect(calls('/auth/wechat-login').length).toBe(logins)
    const after = wx.getStorageSync(SESSION)
    expect(after.access).not.toBe('garbage')
    expect(after.refresh).not.toBe(before.refresh) // rotated
    expect((await ok('GET', '/auth/me')).id).toBe(userId)
    expect(mp.state.toasts.filter((t) => /登录/.test(t))).toEqual([])
  })

  test('garbage access and refresh tokens lead to a silent new login as the same WeChat user', async () => {
    mp.as('me-session-relogin')
    const first = await mp.open('pages/me/index')
    const userId = first.data.user.id
    spoil({ access: 'garbage', refresh: 'garbage-too' })
    const logins = calls('/auth/wechat-login').length
    const toasts = mp.state.toasts.length

    const page = await mp.open('pages/me/index')

    expect(page.data.error).toBe('')
    expect(page.data.user.id).toBe(userId)
    expect(calls('/auth/wechat-login').length).toBe(logins + 1)
    expect(wx.getStorageSync(SESSION).access).not.toBe('garbage')
    expect(mp.state.toasts.length).toBe(toasts)
  })

  test('an expired (revoked) pair of tokens also logs in again without the user noticing', async () => {
    mp.as('me-session-revoked')
    await mp.open('pages/me/index')
    const old = wx.getStorageSync(SESSION)
    // Another device logged out everywhere: both tokens on this phone are dead.
    await ok('POST', '/auth/logout', {}, `Bearer ${old.access}`)
    const page = await mp.open('pages/login/index')
    expect(page.data.error).toBe('')
    expect(page.data.user).toBeTruthy()
    expect(wx.getStorageSync(SESSION).access).not.toBe(old.access)
  })

  test('an API error shows the server’s message in a toast', async () => {
    mp.as('me-session-error')
    const page = await mp.open('pages/login/index')
    await page.trigger('#bind-phone', 'getphonenumber', { code: 'sandbox-phone-123', errMsg: 'getPhoneNumber:ok' })
    const answer = calls('/auth/phone').pop()
    expect(answer.statusCode).toBe(400)
    expect(answer.response.code).toBeTruthy()
    expect(answer.response.message).toBeTruthy()
    expect(mp.state.toasts[mp.state.toasts.length - 1]).toBe(answer.response.message)
  })
})
