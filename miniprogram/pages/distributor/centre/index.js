/**
 * 分销中心 home: tier, code and every balance from `/distribution/me`, shortcuts to the other
 * distributor pages, and 提现. Anyone who is not a distributor is sent to the apply page.
 */
const distribution = require('../../../services/distribution')
const format = require('../../../utils/format')
const labels = require('../../../utils/distributor-labels')
const ui = require('../../../utils/ui')
const share = require('../../../utils/share')

const ROOT = '/pages/distributor'
const SHORTCUTS = [
  { key: 'earnings', text: '佣金明细', icon: 'money-circle', url: `${ROOT}/earnings/index` },
  { key: 'withdrawals', text: '提现记录', icon: 'wallet', url: `${ROOT}/withdrawal/list` },
  { key: 'orders', text: '推广订单', icon: 'shop', url: `${ROOT}/network/orders` },
  { key: 'team', text: '我的团队', icon: 'usergroup', url: `${ROOT}/network/team` },
  { key: 'customers', text: '我的客户', icon: 'user', url: `${ROOT}/network/customers` },
  { key: 'tier', text: '我的等级', icon: 'chart-bar', url: `${ROOT}/centre/tier` },
  { key: 'rankings', text: '排行榜', icon: 'flag', url: `${ROOT}/centre/rankings` },
  { key: 'insights', text: '数据洞察', icon: 'chart-analytics', url: `${ROOT}/insights/index` },
  { key: 'identity', text: '实名认证', icon: 'user-safety', url: `${ROOT}/centre/identity` },
  { key: 'income', text: '年度收入', icon: 'chart', url: `${ROOT}/earnings/statement` },
  { key: 'share', text: '推广码', icon: 'qrcode', url: `${ROOT}/tools/share` },
  { key: 'shop', text: '我的小店', icon: 'store', url: `${ROOT}/tools/shop` },
  { key: 'materials', text: '素材库', icon: 'image', url: `${ROOT}/tools/materials` },
]

Page({
  data: { loading: true, error: '', me: null, rates: '', joined: '', shortcuts: SHORTCUTS },

  onShow() {
    return this.load()
  },

  onPullDownRefresh() {
    return this.load().finally(() => wx.stopPullDownRefresh())
  },

  async load() {
    this.setData({ loading: !this.data.me, error: '' })
    try {
      const me = await distribution.me()
      if (!me.is_distributor) {
        await ui.redirect(`${ROOT}/centre/apply`)
        return
      }
      share.rememberCode(me.status === 'active' ? me.code : '')
      this.setData({
        me,
        loading: false,
        rates: me.tier ? labels.rates(me.tier.rates_bps) : '',
        joined: format.date(me.joined_at),
      })
    } catch (err) {
      this.setData({ loading: false, error: err.message || '加载失败' })
    }
  },

  onRetry() { return this.load() },

  onGo(e) {
    const { url } = ui.dataset(e)
    if (url) ui.navigate(url)
  },

  onWithdraw() {
    ui.navigate(`${ROOT}/withdrawal/request`)
  },

  onCopyCode() {
    const { me } = this.data
    if (!me || !me.code) return
    wx.setClipboardData({ data: me.code, success: () => ui.toast('推广码已复制') })
  },

  onShareAppMessage() {
    return share.home()
  },
})
