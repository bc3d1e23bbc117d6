/**
 * A product: gallery, prices, the SKU picker (spec values → SKU, quantity within its stock),
 * the seckill or group-buy it takes part in, add to cart and buy now. An active distributor also
 * gets a poster to save. `ref` in the query is captured by the app at launch.
 */
const catalog = require('../../services/catalog')
const cart = require('../../services/cart')
const session = require('../../services/session')
const ui = require('../../utils/ui')
const share = require('../../utils/share')
const album = require('../../utils/album')
const sku = require('../../utils/catalog-sku')
const links = require('../../utils/catalog-links')

const LIVE = ['on_sale', 'upcoming']

Page({
  data: {
    id: 0,
    product: null,
    loading: true,
    notFound: '',
    chosen: {},
    specRows: [],
    sku: null,
    specText: '',
    quantity: 1,
    picker: false,
    mode: 'select',
    seckill: null,
    groupBuy: null,
    isDistributor: false,
    poster: '',
    posterVisible: false,
  },

  onLoad(query = {}) {
    this.setData({ id: Number(query.id) || 0 })
    return this.load()
  },

  async load() {
    this.setData({ loading: true, notFound: '' })
    try {
      const product = await catalog.product(this.data.id)
      wx.setNavigationBarTitle({ title: product.title })
      this.setData({ product, loading: false })
      this.choose({})
    } catch (err) {
      this.setData({ loading: false, notFound: err.message || '商品不存在或已下架' })
      return
    }
    await this.loadActivities()
  },

  /** Activity prices are extras: without them (not logged in, API down) the product still sells. */
  async loadActivities() {
    const { product } = this.data
    const skuIds = product.skus.map((s) => s.id)
    const quiet = (promise) => promise.catch(() => [])
    const [seckills, groupBuys] = await Promise.all([quiet(catalog.seckills()), quiet(catalog.groupBuys())])
    const seckill = seckills.find((a) => skuIds.includes(a.sku_id) && LIVE.includes(a.state))
    const groupBuy = groupBuys.find((a) => a.product_id === product.id && LIVE.includes(a.state))
    this.setData({
      seckill: seckill ? links.seckillView(seckill) : null,
      groupBuy: groupBuy ? links.groupBuyView(groupBuy) : null,
      isDistributor: Boolean(session.shareCode()),
    })
  },

  choose(chosen) {
    const { product } = this.data
    const picked = sku.pickSku(product, chosen)
    const max = picked ? Math.max(picked.stock, 1) : 1
    this.setData({
      chosen,
      specRows: sku.specRows(product, chosen),
      sku: picked,
      specText: sku.specText(product, chosen),
      quantity: Math.min(Math.max(this.data.quantity, 1), max),
    })
  },

  onSpec(e) {
    const { name, value, disabled } = ui.dataset(e)
    if (disabled) return
    this.choose(sku.choose(this.data.product, this.data.chosen, name, value))
  },

  onQuantity(e) {
    const stock = this.data.sku ? this.data.sku.stock : 1
    const value = Math.trunc(Number(e.detail.value)) || 1
    this.setData({ quantity: Math.min(Math.max(value, 1), Math.max(stock, 1)) })
  },

  onOpenPicker(e) { this.setData({ picker: true, mode: ui.dataset(e).mode || 'select' }) },
  onClosePicker() { this.setData({ picker: false }) },
  onPickerVisible(e) { this.setData({ picker: e.detail.visible }) },

  async onConfirm() {
    const { sku: picked, quantity, mode } = this.data
    if (!picked) return ui.toast('请选择规格')
    if (picked.stock < 1) return ui.toast('该规格缺货')
    if (mode === 'buy') {
      this.setData({ picker: false })
      const lines = JSON.stringify([{ sku_id: picked.id, quantity }])
      return ui.navigate(`/pages/checkout/index?lines=${encodeURIComponent(lines)}`)
    }
    try {
      await cart.add(picked.id, quantity)
      this.setData({ picker: false })
      return ui.toast('已加入购物车', 'success')
    } catch (err) {
      return ui.showError(err)
    }
  },

  onSeckill() { ui.navigate(`/pages/seckill/detail?id=${this.data.seckill.id}`) },
  onGroupBuy() { ui.navigate(`/pages/group-buy/activity?id=${this.data.groupBuy.id}`) },
  onPreview(e) { wx.previewImage({ current: ui.dataset(e).url, urls: this.data.product.images }) },
  onHome() { ui.open('/pages/index/index') },
  onCart() { ui.open('/pages/cart/index') },

  async onPoster() {
    try {
      const assets = await catalog.share(this.data.id)
      if (!assets.poster_url) return ui.toast('海报生成失败，请稍后重试')
      return this.setData({ poster: assets.poster_url, posterVisible: true })
    } catch (err) {
      return ui.showError(err)
    }
  },
  onClosePoster() { this.setData({ posterVisible: false }) },
  async onSavePoster() {
    try {
      if (await album.saveImage(this.data.poster)) this.setData({ posterVisible: false })
    } catch (err) {
      ui.showError(err)
    }
  },

  onShareAppMessage() {
    const { id, product } = this.data
    return share.message({ title: product ? product.title : '分销商城', path: `/pages/product/detail?id=${id}`, imageUrl: product && product.images[0] })
  },
  onShareTimeline() {
    const { id, product } = this.data
    return share.timeline({ title: product ? product.title : '分销商城', query: `id=${id}`, imageUrl: product && product.images[0] })
  },
})
