/**
 * WeChat merchant transfers (商家转账) need the payee to confirm in WeChat before the money
 * moves: the server hands out `confirm_params` ({mchId, appId, package}) and the mini-program opens
 * WeChat's confirm page with them, exactly as wx.requestMerchantTransfer documents.
 */
function confirmTransfer(params) {
  return new Promise((resolve) => {
    if (!params || !params.package) {
      resolve({ confirmed: false, reason: 'no-params' })
      return
    }
    const opts = {
      mchId: params.mchId,
      appId: params.appId,
      package: params.package,
      success: () => resolve({ confirmed: true }),
      fail: (res) => resolve({ confirmed: false, reason: (res && res.errMsg) || 'fail' }),
    }
    if (params.openId) opts.openId = params.openId
    if (typeof wx.requestMerchantTransfer !== 'function') {
      resolve({ confirmed: false, reason: 'unsupported' })
      return
    }
    wx.requestMerchantTransfer(opts)
  })
}

module.exports = { confirmTransfer }
