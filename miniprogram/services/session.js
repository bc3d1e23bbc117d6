/**
 * The tokens the API issued, kept in storage so a cold start does not log in again, and the
 * distributor code used to sign every share. Nothing else is cached: pages always ask the API.
 */
const KEY = 'fenxiao.session'

function read() {
  return wx.getStorageSync(KEY) || {}
}

function save(tokens) {
  const now = read()
  wx.setStorageSync(KEY, { ...now, ...tokens })
}

function clear() {
  wx.removeStorageSync(KEY)
}

module.exports = {
  access: () => read().access || '',
  refresh: () => read().refresh || '',
  user: () => read().user || null,
  shareCode: () => read().shareCode || '',
  save,
  clear,
  isLoggedIn: () => Boolean(read().access),
}
