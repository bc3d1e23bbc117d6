/**
 * The cart tab. Every change answers with the whole cart, so the page shows what the server
 * returned (items and summary) and never keeps its own copy of quantities or totals.
 */
const cart = require('../../services/cart')
const ui = require('../../utils/ui')
const share = require('../../utils/share')
const tabBar = require('../../utils/tab-bar')
const { loadInto } = require('../../utils/loader')

Page({
  data: { items: [], invalid: [], summary: null, loading: false, loaded: false, error: '' },

  onShow() {
    tabBar.select(this, 'cart')
    return this.load()
  },

  onPullDownRefresh() {
    return this.load().finally(() => wx.stopPullDownRefresh())
  },

  async load() {
    return loadInto(this, async () => this.show(await cart.list()))
  },

  show(res) {
    const all = res.items || []
    this.setData({
      items: all.filter((i) => i.available),
      invalid: all.filter((i) => !i.available),
      summary: res.summary,
      loading: false,
      loaded: true,
    })
    tabBar.select(this, 'cart', res.summary ? res.summary.item_count : all.length)
  },

  async act(call) {
    try {
      this.show(await call())
    } catch (err) {
      ui.showError(err)
      await this.load()
    }
  },

  onQuantity(e) {
    const { id } = ui.dataset(e)
    return this.act(() => cart.update(id, { quantity: e.detail.value }))
  },

  onToggle(e) {
    const { id } = ui.dataset(e)
    const item = this.data.items.find((i) => i.id === id)
    if (!item) return undefined
    return this.act(() => cart.select([id], !item.selected))
  },

  onToggleAll() {
    const all = Boolean(this.data.summary && this.data.summary.all_selected)
    return this.act(() => cart.select(null, !all))
  },

  async onRemove(e) {
    const { id } = ui.dataset(e)
    if (!(await ui.confirm({ content: '确定删除这件商品吗？' }))) return
    await this.act(async () => {
      await cart.remove(id)
      return cart.list()
    })
  },

  async removeIds(ids, content) {
    if (!ids.length || !(await ui.confirm({ content }))) return
    await this.act(async () => {
      await cart.removeMany(ids)
      return cart.list()
    })
  },

  onRemoveSelected() {
    return this.removeIds(this.data.items.filter((i) => i.selected).map((i) => i.id), '确定删除选中的商品吗？')
  },

  onClearInvalid() {
    return this.removeIds(this.data.invalid.map((i) => i.id), '确定清空失效商品吗？')
  },

  onOpenProduct(e) {
    ui.navigate(`/pages/product/detail?id=${ui.dataset(e).product}`)
  },

  onCheckout() {
    if (!this.data.summary || !this.data.summary.selected_count) return
    ui.navigate('/pages/checkout/index?from_cart=1')
  },

  onGoHome() {
    ui.open('/pages/index/index')
  },

  onRetry() {
    return this.load()
  },

  onShareAppMessage() {
    return share.home()
  },
})
