/**
 * 我的小店: the products my public shop shows, in my order. Adding, removing and moving an item
 * each go to the server at once (the answer is the shop as stored), so what is shown is what
 * shoppers see at /pages/shop/index?code=<my code>.
 */
const distribution = require('../../../services/distribution')
const ui = require('../../../utils/ui')
const share = require('../../../utils/share')
const { productChoicesData, moreProductChoices } = require('../../../utils/product-choices')

Page({
  data: {
    loading: true,
    error: '',
    code: '',
    maxItems: 0,
    items: [],
    inShop: {},
    busy: false,
    pickerVisible: false,
    ...productChoicesData(),
  },

  onShow() {
    return this.load()
  },

  onPullDownRefresh() {
    return this.load().finally(() => wx.stopPullDownRefresh())
  },

  apply(shop) {
    const inShop = {}
    shop.items.forEach((item) => { inShop[item.product_id] = true })
    this.setData({ code: shop.code, maxItems: shop.max_items, items: shop.items, inShop, loading: false })
    if (shop.code) share.rememberCode(shop.code)
  },

  async load() {
    this.setData({ error: '' })
    try {
      this.apply(await distribution.shopItems())
    } catch (err) {
      this.setData({ loading: false, error: err.message || '加载失败' })
    }
  },

  onRetry() { return this.load() },

  async run(action) {
    if (this.data.busy) return
    this.setData({ busy: true })
    try {
      await action()
    } catch (err) {
      ui.showError(err)
    } finally {
      this.setData({ busy: false })
    }
  },

  onMove(e) {
    const { index, dir } = ui.dataset(e)
    const from = Number(index)
    const to = from + (dir === 'up' ? -1 : 1)
    const ids = this.data.items.map((item) => item.product_id)
    if (to < 0 || to >= ids.length) return undefined
    ;[ids[from], ids[to]] = [ids[to], ids[from]]
    return this.run(async () => this.apply(await distribution.reorderShop(ids)))
  },

  async onRemove(e) {
    const id = Number(ui.dataset(e).id)
    const item = this.data.items.find((i) => i.product_id === id)
    if (!item) return
    const ok = await ui.confirm({ title: '移出小店', content: `确定把「${item.title}」移出小店吗？` })
    if (!ok) return
    await this.run(async () => {
      await distribution.removeShopItem(id)
      ui.toast('已移出')
      await this.load()
    })
  },

  onOpenPicker() {
    this.setData({ pickerVisible: true })
    if (!this.data.productPage) return this.moreProducts()
    return undefined
  },

  onPickerVisible(e) { this.setData({ pickerVisible: e.detail.visible }) },
  onClosePicker() { this.setData({ pickerVisible: false }) },

  moreProducts() {
    return moreProductChoices(this)
  },

  onAdd(e) {
    const id = Number(ui.dataset(e).id)
    if (!id || this.data.inShop[id]) return undefined
    return this.run(async () => {
      this.apply(await distribution.addShopItem(id))
      ui.toast('已加入小店', 'success')
    })
  },

  onPreview() {
    if (this.data.code) ui.navigate(`/pages/shop/index?code=${encodeURIComponent(this.data.code)}`)
  },

  onShareAppMessage() {
    const { code } = this.data
    if (!code) return share.home()
    return share.message({ title: '我的小店，好物推荐', path: `/pages/shop/index?code=${encodeURIComponent(code)}` })
  },
})
