const promotions = require('../../services/promotions')
const pager = require('../../utils/pager')
const ui = require('../../utils/ui')
const share = require('../../utils/share')
const view = require('../../utils/promotions-view')

function card(a) {
  return { ...view.activityCard(a), soldPercent: view.soldPercent(a.stock, a.remaining) }
}

Page({
  ...pager.listHandlers(),
  data: { ...pager.pagerData() },
  onLoad() { pager.refresh(this) },
  // The list is the server's whole answer (running and upcoming, at most 100): no further pages.
  async fetchPage() {
    const rows = await promotions.seckills()
    return rows.map(card)
  },
  /** A countdown ran out: the activity started or ended, so its state is the server's again. */
  onCountdownFinish() { pager.refresh(this) },
  onOpen(e) { ui.navigate(`/pages/seckill/detail?id=${ui.dataset(e).id}`) },
  onShareAppMessage() { return share.message({ title: '限时秒杀，手慢无', path: '/pages/seckill/list' }) },
  onShareTimeline() { return share.timeline({ title: '限时秒杀，手慢无' }) },
})
