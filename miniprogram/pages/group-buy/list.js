const promotions = require('../../services/promotions')
const pager = require('../../utils/pager')
const ui = require('../../utils/ui')
const share = require('../../utils/share')
const view = require('../../utils/promotions-view')

Page({
  ...pager.listHandlers(),
  data: { ...pager.pagerData() },
  onLoad() { pager.refresh(this) },
  // The server answers every running and upcoming activity at once: no further pages.
  async fetchPage() {
    const rows = await promotions.groupBuys()
    return rows.map((a) => view.activityCard(a))
  },
  onCountdownFinish() { pager.refresh(this) },
  onOpen(e) { ui.navigate(`/pages/group-buy/activity?id=${ui.dataset(e).id}`) },
  onShareAppMessage() { return share.message({ title: '好物拼团，一起买更便宜', path: '/pages/group-buy/list' }) },
  onShareTimeline() { return share.timeline({ title: '好物拼团，一起买更便宜' }) },
})
