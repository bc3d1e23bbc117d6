const promotions = require('../../services/promotions')
const ui = require('../../utils/ui')
const share = require('../../utils/share')
const view = require('../../utils/promotions-view')
const buy = require('../../utils/promotions-order')
const { loadInto } = require('../../utils/loader')

function limitText(minutes) {
  return minutes % 60 ? `${minutes}分钟` : `${minutes / 60}小时`
}

Page({
  data: { id: 0, ref: '', activity: null, groups: [], loading: true, loaded: false, error: '', address: null, buying: false },
  onLoad(query = {}) {
    this.setData({ id: Number(query.id) || 0, ref: query.ref || '' })
    this.load()
    buy.loadDefault(this)
  },
  onShow() { buy.takePicked(this) },
  onPullDownRefresh() { this.load().finally(() => wx.stopPullDownRefresh()) },
  async load() {
    return loadInto(this, async () => {
      const [a, groups] = await Promise.all([promotions.groupBuy(this.data.id), promotions.openGroups(this.data.id)])
      return {
        activity: { ...view.activityCard(a), limitText: limitText(a.time_limit_minutes) },
        groups: groups.map((g) => view.groupCard(g)),
      }
    })
  },
  onRetry() { this.load() },
  onCountdownFinish() { this.load() },
  onPickAddress() { buy.pick() },
  onJoin(e) { ui.navigate(`/pages/group-buy/group?id=${ui.dataset(e).id}`) },
  async onOpenGroup() {
    if (this.data.buying) return
    this.setData({ buying: true })
    let groupId = 0
    try {
      const address = await buy.ensureAddress(this)
      if (!address) return
      const placed = await promotions.openGroup(this.data.id, { addressId: address.id, ref: this.data.ref })
      groupId = placed.group.id
      await buy.pay(placed.order.id)
    } catch (err) {
      ui.showError(err)
    } finally {
      this.setData({ buying: false })
    }
    // The group page shows the seats, the deadline and the share to invite friends.
    if (groupId) ui.redirect(`/pages/group-buy/group?id=${groupId}`)
  },
  onShareAppMessage() {
    const a = this.data.activity
    return share.message({
      title: a ? `${a.group_size}人拼团仅 ¥${view.yuanText(a.group_price_fen)}｜${a.title}` : '好物拼团',
      path: `/pages/group-buy/activity?id=${this.data.id}`,
      imageUrl: a && a.image,
    })
  },
  onShareTimeline() {
    const a = this.data.activity
    return share.timeline({ title: a ? `拼团价 ¥${view.yuanText(a.group_price_fen)}｜${a.title}` : '好物拼团', query: `id=${this.data.id}` })
  },
})
