const promotions = require('../../services/promotions')
const ui = require('../../utils/ui')
const share = require('../../utils/share')
const view = require('../../utils/promotions-view')
const buy = require('../../utils/promotions-order')
const { loadInto } = require('../../utils/loader')

Page({
  data: { id: 0, activity: null, loading: true, error: '', address: null, buying: false },
  onLoad(query = {}) {
    this.setData({ id: Number(query.id) || 0 })
    this.load()
    buy.loadDefault(this)
  },
  onShow() { buy.takePicked(this) },
  onPullDownRefresh() { this.load().finally(() => wx.stopPullDownRefresh()) },
  async load() {
    return loadInto(this, async () => {
      const a = await promotions.seckill(this.data.id)
      return { activity: { ...view.activityCard(a), soldPercent: view.soldPercent(a.stock, a.remaining) } }
    })
  },
  onRetry() { this.load() },
  onCountdownFinish() { this.load() },
  onPickAddress() { buy.pick() },
  async onBuy() {
    if (this.data.buying) return
    this.setData({ buying: true })
    let orderId = 0
    try {
      const address = await buy.ensureAddress(this)
      if (!address) return
      const order = await promotions.seckillOrder(this.data.id, { addressId: address.id })
      orderId = order.id
      await buy.pay(orderId)
    } catch (err) {
      ui.showError(err)
      if (!orderId) this.load()
    } finally {
      this.setData({ buying: false })
    }
    // The order exists whatever the cashier said; its page shows it paid or lets it be paid.
    if (orderId) ui.redirect(`/pages/order/detail?id=${orderId}`)
  },
  onShareAppMessage() {
    const a = this.data.activity
    return share.message({ title: a ? `秒杀价 ¥${view.yuanText(a.seckill_price_fen)}｜${a.title || a.name}` : '限时秒杀', path: `/pages/seckill/detail?id=${this.data.id}` })
  },
  onShareTimeline() {
    const a = this.data.activity
    return share.timeline({ title: a ? `限时秒杀｜${a.title || a.name}` : '限时秒杀', query: `id=${this.data.id}` })
  },
})
