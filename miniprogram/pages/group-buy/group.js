/**
 * One group (团): what a shared link opens. The server's share path names it `group_id`; a plain
 * `id` (from the activity page) is read too. A visitor joins, a member invites friends.
 */
const promotions = require('../../services/promotions')
const ui = require('../../utils/ui')
const share = require('../../utils/share')
const view = require('../../utils/promotions-view')
const buy = require('../../utils/promotions-order')

Page({
  data: { id: 0, ref: '', group: null, activity: null, loading: true, loaded: false, error: '', address: null, buying: false },
  onLoad(query = {}) {
    this.setData({ id: Number(query.group_id || query.id) || 0, ref: query.ref || '' })
    this.load()
  },
  onShow() { buy.takePicked(this) },
  onPullDownRefresh() { this.load().finally(() => wx.stopPullDownRefresh()) },
  async load() {
    this.setData({ loading: true, error: '' })
    try {
      const group = view.groupCard(await promotions.group(this.data.id))
      this.setData({ group, loading: false, loaded: true })
      if (!this.data.activity) this.loadActivity(group.activity_id)
      if (!group.joined && group.forming) buy.loadDefault(this)
    } catch (err) {
      this.setData({ loading: false, loaded: true, error: err.message || '加载失败' })
    }
  },
  /** Prices and the product are the activity's; the group still shows without them. */
  async loadActivity(activityId) {
    try {
      this.setData({ activity: await promotions.groupBuy(activityId) })
    } catch (err) {
      // The group's own card is what matters here.
    }
  },
  onRetry() { this.load() },
  onCountdownFinish() { this.load() },
  onPickAddress() { buy.pick() },
  async onJoin() {
    if (this.data.buying) return
    this.setData({ buying: true })
    try {
      const address = await buy.ensureAddress(this)
      if (!address) return
      const placed = await promotions.joinGroup(this.data.id, { addressId: address.id, ref: this.data.ref })
      this.setData({ group: view.groupCard(placed.group) })
      await buy.pay(placed.order.id)
    } catch (err) {
      ui.showError(err)
    } finally {
      this.setData({ buying: false })
    }
    await this.load()
  },
  onActivity() { ui.navigate(`/pages/group-buy/activity?id=${this.data.group.activity_id}`) },
  onShareAppMessage() {
    const g = this.data.group
    const a = this.data.activity
    const path = (g && g.share_path) || `/pages/group-buy/group?group_id=${this.data.id}`
    const title = g && g.seats_left > 0 ? `还差${g.seats_left}人成团，快来和我一起拼！` : '一起来拼团'
    return share.message({ title: a ? `${title}${a.title}` : title, path, imageUrl: a && a.image })
  },
  onShareTimeline() {
    const a = this.data.activity
    return share.timeline({ title: a ? `一起拼团｜${a.title}` : '一起来拼团', query: `group_id=${this.data.id}` })
  },
})
