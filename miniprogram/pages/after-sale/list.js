/** 我的售后, newest first, paged. */
const orders = require('../../services/orders')
const pager = require('../../utils/pager')
const format = require('../../utils/format')
const ui = require('../../utils/ui')
const share = require('../../utils/share')

Page({
  ...pager.listHandlers(),

  data: { ...pager.pagerData() },

  onLoad() { return pager.refresh(this) },

  onShow() {
    if (this.shown) return pager.refresh(this)
    this.shown = true
    return undefined
  },

  fetchPage(pageNo) {
    return orders.afterSales({ page: pageNo }).then((res) => ({
      ...res,
      items: res.items.map((a) => ({ ...a, time: format.datetime(a.created_at) })),
    }))
  },

  onOpen(e) {
    ui.navigate(`/pages/after-sale/detail?id=${ui.dataset(e).id}`)
  },

  onShareAppMessage() {
    return share.home()
  },
})
