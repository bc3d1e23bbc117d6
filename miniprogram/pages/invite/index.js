/**
 * 邀请有礼: my code and the campaign's rules, the share that carries the code (and, through
 * utils/share, my distributor code too), and the friends I invited with their reward states.
 */
const promotions = require('../../services/promotions')
const pager = require('../../utils/pager')
const ui = require('../../utils/ui')
const share = require('../../utils/share')
const format = require('../../utils/format')

function rulesOf(c) {
  if (!c) return null
  return {
    ...c,
    period: `${format.date(c.starts_at)} 至 ${format.date(c.ends_at)}`,
    minOrder: c.min_order_fen ? `实付满${format.yuan(c.min_order_fen)}元` : '',
  }
}

function inviteeRow(i) {
  return { ...i, acceptedText: format.date(i.accepted_at) }
}

Page({
  data: { ...pager.pagerData(), me: null, campaign: null, meError: '' },
  onLoad() { this.reload() },
  onPullDownRefresh() { this.reload() },
  onReachBottom() { pager.more(this) },
  onRetry() { this.reload() },
  reload() {
    return Promise.all([this.loadMe(), pager.refresh(this)])
  },
  async loadMe() {
    try {
      const me = await promotions.myInvite()
      this.setData({ me, campaign: rulesOf(me.campaign), meError: '' })
    } catch (err) {
      this.setData({ meError: err.message || '加载失败' })
    }
  },
  async fetchPage(pageNo) {
    const res = await promotions.invitees({ page: pageNo })
    return { ...res, items: res.items.map(inviteeRow) }
  },
  onCopy() {
    const code = this.data.me && this.data.me.code
    if (!code) return
    wx.setClipboardData({ data: code, success: () => ui.toast('邀请码已复制', 'success') })
  },
  /** The API's share path (the home page with ?invite=); share adds my distributor ref. */
  sharePath() {
    const me = this.data.me
    if (!me) return '/pages/index/index'
    const path = me.share_path || `pages/index/index?invite=${me.code}`
    return path.startsWith('/') ? path : `/${path}`
  },
  onShareAppMessage() {
    const c = this.data.campaign
    const gift = c && c.invitee_reward ? `，送你${c.invitee_reward.name}` : ''
    return share.message({ title: `来分销商城一起逛${gift}`, path: this.sharePath() })
  },
})
