/** 消息中心: my messages, newest first, paged; tapping one marks it read and opens its page. */
const notifications = require('../../services/notifications')
const pager = require('../../utils/pager')
const format = require('../../utils/format')
const ui = require('../../utils/ui')
const share = require('../../utils/share')

Page({
  ...pager.listHandlers(),

  data: { ...pager.pagerData(), unread: 0 },

  onLoad() { return pager.refresh(this) },

  onShow() {
    if (this.shown) return pager.refresh(this)
    this.shown = true
    return undefined
  },

  fetchPage(pageNo) {
    return notifications.list({ page: pageNo }).then((res) => {
      this.setData({ unread: res.unread_count })
      return { ...res, items: res.items.map((m) => ({ ...m, time: format.datetime(m.created_at) })) }
    })
  },

  async onOpen(e) {
    const { id } = ui.dataset(e)
    const item = this.data.items.find((m) => m.id === Number(id))
    if (!item) return
    try {
      if (!item.read) {
        await notifications.read(item.id)
        const items = this.data.items.map((m) => (m.id === item.id ? { ...m, read: true } : m))
        this.setData({ items, unread: Math.max(this.data.unread - 1, 0) })
      }
      ui.navigate(item.page)
    } catch (err) {
      ui.showError(err)
    }
  },

  async onReadAll() {
    try {
      await notifications.readAll()
      this.setData({ items: this.data.items.map((m) => ({ ...m, read: true })), unread: 0 })
      ui.toast('已全部标为已读', 'success')
    } catch (err) {
      ui.showError(err)
    }
  },

  onShareAppMessage() {
    return share.home()
  },
})
