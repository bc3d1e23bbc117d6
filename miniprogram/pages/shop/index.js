/**
 * A distributor's public shop (their picked products). The shop's own code stays in every share
 * path, and the sharer's code goes in `ref` as on any page, so whoever opens it is referred to
 * the sharer and lands on the same shop.
 */
const catalog = require('../../services/catalog')
const ui = require('../../utils/ui')
const share = require('../../utils/share')

Page({
  data: { code: '', shop: null, items: [], loading: false, loaded: false, error: '' },

  onLoad(query = {}) {
    this.setData({ code: query.code || query.ref || '' })
    return this.load()
  },

  async load() {
    if (!this.data.code) {
      this.setData({ loaded: true, error: '店铺不存在' })
      return
    }
    this.setData({ loading: true, error: '' })
    try {
      const shop = await catalog.shop(this.data.code)
      wx.setNavigationBarTitle({ title: `${shop.owner_name}的小店` })
      const items = shop.items.filter((i) => i.on_shelf).map((i) => ({ ...i, id: i.product_id }))
      this.setData({ shop, items, loading: false, loaded: true })
    } catch (err) {
      this.setData({ loading: false, loaded: true, error: err.message || '加载失败' })
    } finally {
      wx.stopPullDownRefresh()
    }
  },

  onPullDownRefresh() { return this.load() },
  onRetry() { return this.load() },
  onHome() { ui.open('/pages/index/index') },

  title() {
    const { shop } = this.data
    return shop ? `${shop.owner_name}的小店` : '分销商城'
  },
  onShareAppMessage() {
    return share.message({ title: this.title(), path: `/pages/shop/index?code=${encodeURIComponent(this.data.code)}` })
  },
  onShareTimeline() {
    return share.timeline({ title: this.title(), query: `code=${encodeURIComponent(this.data.code)}` })
  },
})
