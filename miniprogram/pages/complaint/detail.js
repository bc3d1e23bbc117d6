/** One complaint: what the shopper wrote, the platform's replies and, once closed, the outcome. */
const complaints = require('../../services/complaints')
const format = require('../../utils/format')
const ui = require('../../utils/ui')
const share = require('../../utils/share')

Page({
  data: { id: 0, item: null, error: '' },

  onLoad(query = {}) {
    this.setData({ id: Number(query.id) })
    return this.load()
  },

  onPullDownRefresh() {
    return this.load().finally(() => wx.stopPullDownRefresh())
  },

  async load() {
    try {
      const item = await complaints.get(this.data.id)
      this.setData({
        item: {
          ...item,
          createdText: format.datetime(item.created_at),
          dueText: format.datetime(item.due_at),
          replies: item.replies.map((r) => ({ ...r, time: format.datetime(r.created_at) })),
        },
        error: '',
      })
    } catch (err) {
      this.setData({ error: err.message || '加载失败' })
    }
  },

  onOrder() {
    if (this.data.item.order_id) ui.navigate(`/pages/order/detail?id=${this.data.item.order_id}`)
  },

  onRetry() {
    return this.load()
  },

  onShareAppMessage() {
    return share.home()
  },
})
