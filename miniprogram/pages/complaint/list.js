/** 投诉与建议: my complaints, newest first, paged, and the way to file a new one. */
const complaints = require('../../services/complaints')
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
    return complaints.mine({ page: pageNo }).then((res) => ({
      ...res,
      items: res.items.map((c) => ({ ...c, time: format.datetime(c.created_at) })),
    }))
  },

  onOpen(e) {
    ui.navigate(`/pages/complaint/detail?id=${ui.dataset(e).id}`)
  },

  onNew() {
    ui.navigate('/pages/complaint/new')
  },

  onShareAppMessage() {
    return share.home()
  },
})
