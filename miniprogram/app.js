/**
 * The mall's entry: remembers who shared the way in (query `ref`, a code's `scene`, `invite`),
 * logs in silently with wx.login, and then hands the touch to the API, which binds by the
 * platform's policy. The distributor code learnt at login signs every later share.
 */
const referral = require('./utils/referral')
const subscribe = require('./utils/subscribe')
const share = require('./utils/share')
const { login, onLogin } = require('./services/request')
const session = require('./services/session')
const distribution = require('./services/distribution')

onLogin(async () => {
  await referral.flush()
  const me = await distribution.me()
  share.rememberCode(me.is_distributor && me.status === 'active' ? me.code : '')
})

App({
  globalData: { ready: null },

  onLaunch(options) {
    referral.capture(options || {})
    this.globalData.ready = login().catch(() => null)
    // Ready before the first 支付 tap, which must open WeChat's consent dialog at once.
    subscribe.prepare('pay')
  },

  onShow(options) {
    const touch = referral.capture(options || {})
    if (touch && session.isLoggedIn()) referral.flush()
  },
})
