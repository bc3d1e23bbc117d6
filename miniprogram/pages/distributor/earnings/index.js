/**
 * 佣金明细: each commission record with its level, amount (after refunds took some back) and
 * state; a pending one says when it becomes withdrawable (settle date, or the server's note while
 * the order is not yet received). Tabs are the API's status filter.
 */
const distribution = require('../../../services/distribution')
const format = require('../../../utils/format')
const labels = require('../../../utils/distributor-labels')
const pager = require('../../../utils/pager')
const share = require('../../../utils/share')

const TABS = [
  { value: 'all', label: '全部' },
  { value: 'pending', label: '待结算' },
  { value: 'settled', label: '已结算' },
  { value: 'cancelled', label: '已取消' },
]

function settleText(c) {
  if (c.status === 'settled') return c.settled_at ? `${format.datetime(c.settled_at)} 已结算，可提现` : '已结算，可提现'
  if (c.status === 'pending') return c.settle_after ? `预计 ${format.date(c.settle_after)} 结算后可提现` : c.settle_note || '订单完成后结算'
  return c.settle_note || ''
}

function row(c) {
  return {
    ...c,
    levelLabel: labels.level(c.level),
    rateText: c.rate_bps !== null && c.rate_bps !== undefined ? format.bps(c.rate_bps) : `每件 ¥${format.yuan(c.fixed_unit_fen)}`,
    created: format.datetime(c.created_at),
    settleText: settleText(c),
    deducted: c.reversed_fen + c.clawback_fen,
  }
}

Page({
  ...pager.listHandlers(),

  data: { tabs: TABS, status: 'all', ...pager.pagerData() },

  onLoad(query = {}) {
    if (query.status && TABS.some((t) => t.value === query.status)) this.setData({ status: query.status })
    return pager.refresh(this)
  },

  async fetchPage(pageNo) {
    const { status } = this.data
    const res = await distribution.commissions({ page: pageNo, status: status === 'all' ? undefined : status })
    return { ...res, items: res.items.map(row) }
  },

  onTab(e) {
    this.setData({ status: e.detail.value, items: [], finished: false, loaded: false })
    return pager.refresh(this)
  },

  onShareAppMessage() {
    return share.home()
  },
})
