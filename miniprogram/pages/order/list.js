/** 我的订单: one tab per status the API filters by (OrderListQuery.status), paged. */
const orders = require('../../services/orders')
const pager = require('../../utils/pager')
const actions = require('../../utils/orders-actions')
const ui = require('../../utils/ui')
const share = require('../../utils/share')

const TABS = [
  { value: 'all', label: '全部' },
  { value: 'pending_payment', label: '待付款' },
  { value: 'to_ship', label: '待发货' },
  { value: 'to_receive', label: '待收货' },
  { value: 'completed', label: '已完成' },
  { value: 'after_sales', label: '售后' },
]

Page({
  ...pager.listHandlers(),

  data: { tabs: TABS, status: 'all', ...pager.pagerData() },

  onLoad(query = {}) {
    const status = TABS.some((t) => t.value === query.status) ? query.status : 'all'
    this.setData({ status })
    return pager.refresh(this)
  },

  onShow() {
    // Back from an order's detail: its state may have changed there.
    if (this.shown) return pager.refresh(this)
    this.shown = true
    return undefined
  },

  fetchPage(pageNo) {
    const { status } = this.data
    return orders.list({ page: pageNo, status: status === 'all' ? '' : status }).then((res) => ({
      ...res,
      items: res.items.map((o) => ({ ...o, ...actions.actionsFor(o.status), count: o.lines.reduce((n, l) => n + l.quantity, 0) })),
    }))
  },

  onTab(e) {
    this.setData({ status: e.detail.value, items: [], loaded: false, finished: false })
    return pager.refresh(this)
  },

  onOpen(e) {
    ui.navigate(`/pages/order/detail?id=${ui.dataset(e).id}`)
  },

  async onPay(e) {
    if (await actions.pay(ui.dataset(e).id)) await pager.refresh(this)
  },

  async onCancel(e) {
    if (await actions.cancel(ui.dataset(e).id)) await pager.refresh(this)
  },

  async onConfirm(e) {
    if (await actions.confirmReceipt(ui.dataset(e).id)) await pager.refresh(this)
  },

  onShareAppMessage() {
    return share.home()
  },
})
