/**
 * 素材库: the platform's copy, images and how-tos for promoting, filtered by the API's categories.
 * 复制文案 puts the text on the clipboard and tells the server, which counts the copies.
 */
const distribution = require('../../../services/distribution')
const format = require('../../../utils/format')
const album = require('../../../utils/album')
const pager = require('../../../utils/pager')
const ui = require('../../../utils/ui')
const share = require('../../../utils/share')

function row(m) {
  return { ...m, text: m.copy_text || m.excerpt, published: format.date(m.published_at) }
}

Page({
  ...pager.listHandlers(),

  data: { category: 0, categories: [], ...pager.pagerData(), saving: false },

  onLoad() {
    return pager.refresh(this)
  },

  async fetchPage(pageNo) {
    const { category } = this.data
    const res = await distribution.materials({ page: pageNo, category: category || undefined })
    if (res.categories && !this.data.categories.length) this.setData({ categories: res.categories })
    return { ...res, items: res.items.map(row) }
  },

  onTab(e) {
    this.setData({ category: Number(e.detail.value) || 0, items: [], finished: false, loaded: false })
    return pager.refresh(this)
  },

  async onCopy(e) {
    const id = Number(ui.dataset(e).id)
    const material = this.data.items.find((m) => m.id === id)
    if (!material || !material.text) return
    const copied = await new Promise((resolve) => {
      wx.setClipboardData({ data: material.text, success: () => resolve(true), fail: () => resolve(false) })
    })
    if (!copied) {
      ui.toast('复制失败，请长按文字手动复制')
      return
    }
    try {
      const res = await distribution.materialCopied(id)
      const index = this.data.items.findIndex((m) => m.id === id)
      if (index >= 0) this.setData({ [`items[${index}].copy_count`]: res.copy_count })
      ui.toast('文案已复制', 'success')
    } catch (err) {
      // The text is on the clipboard either way; only the count was not recorded.
      ui.toast('文案已复制')
    }
  },

  onSaveImage(e) {
    return album.saveFromPage(this, ui.dataset(e).url)
  },

  onPreview(e) {
    const { url, urls } = ui.dataset(e)
    if (url) wx.previewImage({ urls: urls || [url], current: url })
  },

  onShareAppMessage() {
    return share.home()
  },
})
