/**
 * One way to the API. Logs in silently (wx.login) when a call needs a user and none is stored,
 * refreshes an expired access token once on 401 and, when the refresh token is gone too, logs in
 * again; any other failure becomes an ApiError carrying the server's code and message.
 */
const config = require('../config')
const session = require('./session')
const { ApiError, fromResponse } = require('./errors')
const { deviceId } = require('./device')

const loginHooks = []
let loggingIn = null
let refreshing = null

function send({ path, method = 'GET', data, token, headers = {} }) {
  const header = { 'content-type': 'application/json', 'X-Device-Id': deviceId(), ...headers }
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
  const call = (token) => send({ path, method, data, headers, token })
  const res = auth ? await authorized(call) : await call('')
  if (res.statusCode >= 400) throw fromResponse(res)
  return res.data
}

/**
 * Runs `call(token)` (one HTTP exchange resolving `{ statusCode, data }`) as the logged-in user:
 * logs in first when no one is, and on 401 renews the tokens once and calls again.
 */
async function authorized(call) {
  if (!session.isLoggedIn()) await login()
  const sent = session.access()
  const res = await call(sent)
  if (res.statusCode !== 401) return res
  // A call that left before a shared refresh finished comes back 401 with the old token: it
  // retries with the new one instead of refreshing (and rotating the refresh token) again.
  if (session.access() === sent) await renew()
  return call(session.access())
}

function sendFile({ path, filePath, name, token }) {
  return new Promise((resolve, reject) => {
    wx.uploadFile({
      url: `${config.apiBase}${config.apiPrefix}${path}`,
      filePath,
      name,
      header: { 'X-Device-Id': deviceId(), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      success: (res) => {
        // wx.uploadFile hands the body over as text, where wx.request parses JSON.
        let body = res.data
        try { body = JSON.parse(res.data) } catch (err) { /* not JSON: fromResponse falls back */ }
        resolve({ statusCode: res.statusCode, data: body })
      },
      fail: () => reject(new ApiError({ code: 'UPLOAD_FAILED', message: '上传失败，请检查网络后重试' })),
    })
  })
}

/**
 * `upload({ path, filePath, name })` sends a local file (a chooseAvatar or chooseMedia temp path)
 * as multipart field `name` as the logged-in user; resolves with the JSON answer or rejects with
 * ApiError like `request`.
 */
async function upload({ path, filePath, name = 'file' }) {
  const res = await authorized((token) => sendFile({ path, filePath, name, token }))
  if (res.statusCode >= 400) throw fromResponse(res)
  if (!res.data || typeof res.data !== 'object') throw new ApiError({ status: res.statusCode, code: 'BAD_RESPONSE', message: '服务暂时不可用，请稍后重试' })
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

module.exports = { request, upload, authorized, login, onLogin, query, send }
