/**
 * Every share carries the sharer's distributor code (`ref`), so whoever opens it is referred to
 * them; a shopper who is not a distributor shares plain paths. The code is learnt from
 * `/distribution/me` and kept in the session.
 */
const session = require('../services/session')

function withRef(path) {
  const code = session.shareCode()
  if (!code || /[?&]ref=/.test(path)) return path
  return `${path}${path.includes('?') ? '&' : '?'}ref=${encodeURIComponent(code)}`
}

/** For onShareAppMessage. */
function message({ title, path, imageUrl }) {
  const out = { title, path: withRef(path) }
  if (imageUrl) out.imageUrl = imageUrl
  return out
}

/** For onShareTimeline: a query string on the current page. */
function timeline({ title, query = '', imageUrl }) {
  const code = session.shareCode()
  const parts = [query, code && !/(^|&)ref=/.test(query) ? `ref=${encodeURIComponent(code)}` : ''].filter(Boolean)
  const out = { title, query: parts.join('&') }
  if (imageUrl) out.imageUrl = imageUrl
  return out
}

/** What a private page (orders, wallet, addresses) shares: the home page, still carrying my code. */
function home() {
  return message({ title: '分销商城', path: '/pages/index/index' })
}

function rememberCode(code) {
  session.save({ shareCode: code || '' })
}

module.exports = { withRef, message, timeline, home, rememberCode }
