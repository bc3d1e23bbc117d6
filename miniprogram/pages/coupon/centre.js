const promotions = require('../../services/promotions')
const pager = require('../../utils/pager')
const ui = require('../../utils/ui')
const share = require('../../utils/share')
const view = require('../../utils/promotions-view')

Page({
  data: { ...pager.pagerData(), claiming: 0 },
  onLoad() { pager.refresh(this) },
  onPullDownRefresh() { pager.refresh(this) },
  onRetry() { pager.refresh(this) },
  async fetchPage() {
    const rows = await promotions.couponCentre()
    return rows.map(view.centreCard)
  },
  async onClaim(e) {
    const id = Number(ui.dataset(e).id)
    if (!id || this.data.claiming) return
    this.setData({ claiming: id })
    try {
      await promotions.claimCoupon(id)
      ui.toast('领取成功', 'success')
    } catch (err) {
      ui.showError(err)
    } finally {
      this.setData({ claiming: 0 })
    }
    // Held, remaining and can_claim are the server's to say, after a claim or a refusal alike.
    await pager.refresh(this)
  },
  onMine() { ui.navigate('/pages/coupon/mine') },
  onShareAppMessage() { return share.message({ title: '领券中心，好券等你来领', path: '/pages/coupon/centre' }) },
  onShareTimeline() { return share.timeline({ title: '领券中心，好券等你来领' }) },
})
