/**
 * Choosing an address for an order: the ordering page opens the address book in select mode, the
 * book stores the choice and goes back, and the ordering page takes it in its onShow. Storage
 * carries it because WeChat pages do not return values.
 */
const KEY = 'fenxiao.pickedAddress'

function pick() {
  wx.navigateTo({ url: '/pages/address/list?select=1' })
}

function choose(address) {
  wx.setStorageSync(KEY, address)
  wx.navigateBack({ delta: 1 })
}

/** The address chosen since the last call, once. */
function take() {
  const address = wx.getStorageSync(KEY)
  if (address) wx.removeStorageSync(KEY)
  return address || null
}

module.exports = { pick, choose, take }
