/**
 * 我的等级: the current tier's rates, what the next tier asks for and how far along I am. The
 * conditions count only my own referred sales (the API's note says so); progress bars are capped at
 * 100 so a condition already met shows full.
 */
const distribution = require('../../../services/distribution')
const format = require('../../../utils/format')
const labels = require('../../../utils/distributor-labels')
const share = require('../../../utils/share')
const { loadInto } = require('../../../utils/loader')

const percent = (done, needed) => (needed > 0 ? Math.min(100, Math.floor((done * 100) / needed)) : 100)

function conditions(next, progress) {
  if (!next) return []
  return [
    { key: 'sales', label: '累计推广销售额', done: `¥${format.yuan(progress.sales_fen)}`, needed: `¥${format.yuan(next.min_sales_fen)}`, percent: percent(progress.sales_fen, next.min_sales_fen), required: next.min_sales_fen > 0 },
    { key: 'customers', label: '付款客户数', done: `${progress.customers}`, needed: `${next.min_customers}`, percent: percent(progress.customers, next.min_customers), required: next.min_customers > 0 },
    { key: 'orders', label: '推广订单数', done: `${progress.orders}`, needed: `${next.min_orders}`, percent: percent(progress.orders, next.min_orders), required: next.min_orders > 0 },
  ].filter((c) => c.required)
}

Page({
  data: { loading: true, error: '', current: null, next: null, conditions: [], tiers: [], note: '' },

  onLoad() {
    return this.load()
  },

  onPullDownRefresh() {
    return this.load().finally(() => wx.stopPullDownRefresh())
  },

  async load() {
    return loadInto(this, async () => {
      const res = await distribution.tier()
      return {
        current: { ...res.current, rates: labels.rates(res.current.rates_bps) },
        next: res.next ? { ...res.next, rates: labels.rates(res.next.rates_bps) } : null,
        conditions: conditions(res.next, res.progress),
        tiers: res.tiers.map((t) => ({ ...t, rates: labels.rates(t.rates_bps), isCurrent: t.id === res.current.id })),
        note: res.note,
      }
    })
  },

  onRetry() { return this.load() },

  onShareAppMessage() {
    return share.home()
  },
})
