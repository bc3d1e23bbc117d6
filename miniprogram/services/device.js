/**
 * A stable id for this phone's copy of the mini-program, sent with every API call as `X-Device-Id`:
 * the server records it beside orders and referral bindings, so accounts that share one phone
 * can be told apart from accounts that merely share a name (risk control, issue 19). Made once and
 * kept in storage; never derived from anything personal.
 */
const KEY = 'fenxiao.deviceId'

function newId() {
  let id = ''
  for (let i = 0; i < 32; i += 1) id += Math.floor(Math.random() * 16).toString(16)
  return id
}

function deviceId() {
  let id = wx.getStorageSync(KEY)
  if (typeof id !== 'string' || !/^[0-9a-f]{32}$/.test(id)) {
    id = newId()
    wx.setStorageSync(KEY, id)
  }
  return id
}

module.exports = { deviceId, KEY }
