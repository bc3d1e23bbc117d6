const promotions = require('../../services/promotions')
const pager = require('../../utils/pager')
const ui = require('../../utils/ui')
const share = require('../../utils/share')
const view = require('../../utils/promotions-view')

const TABS = [
  { value: 'unused', label: '可用' },
  { value: 'used', label: '已使用' },
  { value: 'expired', label: '已过期' },
]

Page({
  ...pager.listHandlers(),
  data: { ...pager.pagerData(), tabs: TABS, status: 'unused' },
  onLoad(query = {}) {
    if (TABS.some((t) => t.value === query.status)) this.setData({ status: query.status })
    pager.refresh(this)
  },
  // /coupons/mine answers the whole list at once; the pager sees an array and stops there.
  async fetchPage() {
    const rows = await promotions.myCoupons(this.data.status)
    return rows.map(view.myCouponCard)
  },
  onTab(e) {
    const status = e.detail.value
    if (status === this.data.status) return
    this.setData({ status, items: [], loaded: false, finished: false })
    pager.refresh(this)
  },
  onUse() { ui.open('/pages/index/index') },
  onCentre() { ui.navigate('/pages/coupon/centre') },
  onShareAppMessage() { return share.home() },
})
