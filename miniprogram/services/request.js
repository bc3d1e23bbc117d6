/**
 * One way to the API. Logs in silently (wx.login) when a call needs a user and none is stored,
 * refreshes an expired access token once on 401 and, when the refresh token is gone too, logs in
 * again; any other failure becomes an ApiError carrying the server's code and message.
 */
const config = require('../config')
const session = require('./session')
const { ApiError, fromResponse } = require('./errors')

const loginHooks = []
let loggingIn = null
let refreshing = null

function send({ path, method = 'GET', data, token, headers = {} }) {
  const header = { 'content-type': 'application/json', ...headers }
  if (token) header.Authorization = `Bearer ${token}`
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${config.apiBase}${config.apiPrefix}${path}`,
      method,
      data,
      header,
      success: resolve,
      fail: () => reject(new ApiError()),
    })
  })
}

function wxLogin() {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (res) => (res.code ? resolve(res.code) : reject(new ApiError({ code: 'WX_LOGIN_FAILED', message: '微信登录失败，请重试' }))),
      fail: () => reject(new ApiError({ code: 'WX_LOGIN_FAILED', message: '微信登录失败，请重试' })),
    })
  })
}

async function doLogin() {
  const code = await wxLogin()
  const res = await send({ path: '/auth/wechat-login', method: 'POST', data: { code } })
  if (res.statusCode !== 200) throw fromResponse(res)
  session.save({ access: res.data.access, refresh: res.data.refresh, user: res.data.user })
  for (const hook of loginHooks) {
    try {
      await hook(res.data)
    } catch (err) {
      // A hook (the pending referral) must not break the login itself.
    }
  }
  return res.data
}

/** Logs in once even when several pages ask at the same moment. */
function login() {
  if (!loggingIn) loggingIn = doLogin().finally(() => { loggingIn = null })
  return loggingIn
}

async function doRefresh() {
  const refresh = session.refresh()
  if (refresh) {
    const res = await send({ path: '/auth/refresh', method: 'POST', data: { refresh } })
    if (res.statusCode === 200) {
      session.save({ access: res.data.access, refresh: res.data.refresh || refresh })
      return
    }
  }
  session.clear()
  await login()
}

function renew() {
  if (!refreshing) refreshing = doRefresh().finally(() => { refreshing = null })
  return refreshing
}

/**
 * `request({ path, method, data, auth, headers })` resolves with the JSON body or rejects with
 * ApiError. `auth: false` calls a public endpoint without logging in; `headers` adds e.g. an
 * Idempotency-Key so a retried order submission cannot place two orders.
 */
async function request({ path, method = 'GET', data, auth = true, headers }) {
  if (auth && !session.isLoggedIn()) await login()
  const sent = auth ? session.access() : ''
  let res = await send({ path, method, data, headers, token: sent })
  if (res.statusCode === 401 && auth) {
    // A call that left before a shared refresh finished comes back 401 with the old token: it
    // retries with the new one instead of refreshing (and rotating the refresh token) again.
    if (session.access() === sent) await renew()
    res = await send({ path, method, data, headers, token: session.access() })
  }
  if (res.statusCode >= 400) throw fromResponse(res)
  return res.data
}

function onLogin(hook) {
  loginHooks.push(hook)
}

/** Builds `?a=1&b=2` from the defined values only. */
function query(params = {}) {
  const parts = Object.keys(params)
    .filter((key) => params[key] !== undefined && params[key] !== null && params[key] !== '')
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(params[key])}`)
  return parts.length ? `?${parts.join('&')}` : ''
}

module.exports = { request, login, onLogin, query, send }
