/**
 * Every way into the mall may carry a sharer: `?ref=CODE` on a shared page, the `scene` of a
 * mini-program code or poster (getwxacodeunlimit puts the distributor's code there), `?invite=`
 * for 邀请有礼. The touch is remembered until the shopper is logged in and then sent to the API,
 * which applies the platform's binding policy (bind now, or at the first order).
 *
 * Each way in also counts one open for the sharer's insights (POST /distribution/opens, no login
 * needed), once per code per day on this phone, so coming back to the foreground or reopening the
 * same card does not inflate it: a shared card (`ref`) is 'share', a code's `scene` is 'scene', and
 * the poster's code says `c=p` in its scene, which makes it 'poster'.
 */
const KEY = 'fenxiao.pendingReferral'
const INVITE_KEY = 'fenxiao.pendingInvite'
const OPENS_KEY = 'fenxiao.countedOpens'
const CODE = /^[0-9A-Za-z_-]{1,32}$/

function parseScene(scene) {
  if (!scene) return ''
  const text = decodeURIComponent(String(scene))
  const match = /(?:^|[&?])ref=([^&]+)/.exec(text)
  return match ? match[1] : text
}

/** True when the scene is the one on a product poster (`ref=CODE&c=p`). */
function isPosterScene(scene) {
  return /(?:^|[&?])c=p(?:&|$)/.test(decodeURIComponent(String(scene || '')))
}

function localDay(now = new Date()) {
  const pad = (n) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

/** Reports the open unless this phone already reported this code today; never fails the entry. */
function countOpen(code, channel) {
  const day = localDay()
  const seen = wx.getStorageSync(OPENS_KEY) || {}
  const codes = seen.day === day ? seen.codes || [] : []
  const key = code.toUpperCase()
  if (codes.includes(key)) return null
  wx.setStorageSync(OPENS_KEY, { day, codes: [...codes, key].slice(-20) })
  const distribution = require('../services/distribution')
  return distribution.recordOpen(code, channel).catch(() => null)
}

/** Reads the entry's query (onLaunch/onShow options, or a page's onLoad query). */
function capture(entry = {}) {
  const q = entry.query || entry
  let touch = null
  let channel = ''
  if (q.ref && CODE.test(q.ref)) {
    touch = { code: q.ref, source: 'link' }
    channel = 'share'
  } else if (q.scene) {
    const code = parseScene(q.scene)
    const poster = isPosterScene(q.scene)
    if (CODE.test(code)) touch = { code, source: poster ? 'poster' : 'qrcode' }
    channel = poster ? 'poster' : 'scene'
  }
  if (touch) {
    wx.setStorageSync(KEY, touch)
    countOpen(touch.code, channel)
  }
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

module.exports = { capture, pending, flush, parseScene, isPosterScene, countOpen }
