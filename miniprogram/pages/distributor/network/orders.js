/**
 * 推广订单: orders referred through me (order number and buyer masked by the server), the sale and
 * my commission with its state. Tabs are the API's commission status filter.
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

Page({
  ...pager.listHandlers(),

  data: { tabs: TABS, status: 'all', ...pager.pagerData() },

  onLoad() {
    return pager.refresh(this)
  },

  async fetchPage(pageNo) {
    const { status } = this.data
    const res = await distribution.orders({ page: pageNo, status: status === 'all' ? undefined : status })
    return {
      ...res,
      items: res.items.map((o, i) => ({ ...o, key: `${o.order_no}-${o.level}-${pageNo}-${i}`, created: format.datetime(o.created_at), levelLabel: labels.level(o.level) })),
    }
  },

  onTab(e) {
    this.setData({ status: e.detail.value, items: [], finished: false, loaded: false })
    return pager.refresh(this)
  },

  onShareAppMessage() {
    return share.home()
  },
})
