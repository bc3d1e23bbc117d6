/**
 * Every way into the mall may carry a sharer: `?ref=CODE` on a shared page, the `scene` of a
 * mini-program code or poster (getwxacodeunlimit puts the distributor's code there), `?invite=`
 * for 邀请有礼. The touch is remembered until the shopper is logged in and then sent to the API,
 * which applies the platform's binding policy (bind now, or at the first order).
 */
const KEY = 'fenxiao.pendingReferral'
const INVITE_KEY = 'fenxiao.pendingInvite'
const CODE = /^[0-9A-Za-z_-]{1,32}$/

function parseScene(scene) {
  if (!scene) return ''
  const text = decodeURIComponent(String(scene))
  const match = /(?:^|[&?])ref=([^&]+)/.exec(text)
  return match ? match[1] : text
}

/** Reads the entry's query (onLaunch/onShow options, or a page's onLoad query). */
function capture(entry = {}) {
  const q = entry.query || entry
  let touch = null
  if (q.ref && CODE.test(q.ref)) touch = { code: q.ref, source: 'link' }
  else if (q.scene) {
    const code = parseScene(q.scene)
    if (CODE.test(code)) touch = { code, source: 'qrcode' }
  }
  if (touch) wx.setStorageSync(KEY, touch)
  if (q.invite && CODE.test(q.invite)) wx.setStorageSync(INVITE_KEY, q.invite)
  return touch
}

function pending() {
  return wx.getStorageSync(KEY) || null
}

/** A refusal (self-bind, loop, unknown code) is final; a network failure keeps the touch. */
const isFinal = (err) => err && err.status >= 400 && err.status < 500

async function flush() {
  const distribution = require('../services/distribution')
  const promotions = require('../services/promotions')
  const results = {}
  const touch = pending()
  if (touch) {
    try {
      results.bind = await distribution.bind(touch.code, touch.source)
      wx.removeStorageSync(KEY)
    } catch (err) {
      if (isFinal(err)) wx.removeStorageSync(KEY)
      results.bindError = err
    }
  }
  const invite = wx.getStorageSync(INVITE_KEY)
  if (invite) {
    try {
      results.invite = await promotions.acceptInvite(invite)
      wx.removeStorageSync(INVITE_KEY)
    } catch (err) {
      if (isFinal(err)) wx.removeStorageSync(INVITE_KEY)
      results.inviteError = err
    }
  }
  return results
}

module.exports = { capture, pending, flush, parseScene }
