/**
 * 我的: who I am (GET /auth/me), my orders by status with counts (GET /orders/counts), the
 * distributor entry (GET /distribution/me) and the shortcuts to coupons, addresses and invites.
 * Everything is asked again on every show, so a paid or shipped order moves its badge at once.
 */
const auth = require('../../services/auth')
const orders = require('../../services/orders')
const distribution = require('../../services/distribution')
const notifications = require('../../services/notifications')
const format = require('../../utils/format')
const share = require('../../utils/share')
const tabBar = require('../../utils/tab-bar')
const ui = require('../../utils/ui')
const { shortcuts, distributorEntry } = require('./shortcuts')

Page({
  data: {
    loading: true,
    loaded: false,
    error: '',
    user: null,
    phone: '',
    shortcuts: shortcuts(null),
    distributor: null,
    unread: 0,
  },

  onShow() {
    tabBar.select(this, 'me')
    return this.load()
  },

  async onPullDownRefresh() {
    try {
      await this.load()
    } finally {
      wx.stopPullDownRefresh()
    }
  },

  async load() {
    this.setData({ loading: true, error: '' })
    try {
      const [user, counts, dist, unread] = await Promise.all([
        auth.me(),
        orders.counts(),
        distribution.me(),
        notifications.unreadCount(),
      ])
      share.rememberCode(dist.is_distributor && dist.status === 'active' ? dist.code : '')
      this.setData({
        user,
        phone: format.maskPhone(user.phone),
        shortcuts: shortcuts(counts),
        distributor: distributorEntry(dist),
        unread: unread.unread_count,
        loaded: true,
      })
      tabBar.select(this, 'me', unread.unread_count)
    } catch (err) {
      this.setData({ error: err.message || '加载失败' })
      ui.showError(err)
    } finally {
      this.setData({ loading: false })
    }
  },

  onRetry() { return this.load() },

  onOpen(e) {
    const { url } = ui.dataset(e)
    if (url) ui.navigate(url)
  },

  onProfile() { ui.navigate('/pages/login/index') },

  onAbout() {
    wx.showModal({
      title: '关于我们',
      content: '分销商城：好物自购省钱，分享赚佣金。如需帮助，请点击“联系客服”。',
      showCancel: false,
    })
  },

  onShareAppMessage() { return share.home() },
})
