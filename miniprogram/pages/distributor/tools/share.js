/**
 * 推广码与海报: my mini-program code and share path from `/distribution/share`, saved to the album
 * through utils/album (which asks for the permission and explains a refusal); a product poster is
 * the same call with `product_id`.
 */
const distribution = require('../../../services/distribution')
const album = require('../../../utils/album')
const ui = require('../../../utils/ui')
const share = require('../../../utils/share')
const { productChoicesData, moreProductChoices } = require('../../../utils/product-choices')

Page({
  data: {
    loading: true,
    error: '',
    asset: null,
    ...productChoicesData(),
    selected: 0,
    poster: null,
    posterLoading: false,
    saving: false,
  },

  onLoad() {
    return Promise.all([this.load(), this.moreProducts()])
  },

  onPullDownRefresh() {
    return this.load().finally(() => wx.stopPullDownRefresh())
  },

  async load() {
    this.setData({ error: '' })
    try {
      const asset = await distribution.share()
      share.rememberCode(asset.code)
      this.setData({ asset, loading: false })
    } catch (err) {
      this.setData({ loading: false, error: err.message || '加载失败' })
    }
  },

  moreProducts() {
    return moreProductChoices(this)
  },

  onRetry() { return this.load() },

  async onPickProduct(e) {
    const id = Number(ui.dataset(e).id)
    if (!id || this.data.posterLoading) return
    this.setData({ selected: id, poster: null, posterLoading: true })
    try {
      const res = await distribution.share(id)
      this.setData({ poster: { url: res.poster_url, path: res.product_path } })
    } catch (err) {
      ui.showError(err)
    } finally {
      this.setData({ posterLoading: false })
    }
  },

  save(url) {
    return album.saveFromPage(this, url)
  },

  onSaveCode() { return this.save(this.data.asset && this.data.asset.code_url) },
  onSavePoster() { return this.save(this.data.poster && this.data.poster.url) },

  onCopyPath() {
    const { asset } = this.data
    if (!asset) return
    wx.setClipboardData({ data: `/${asset.share_path}`, success: () => ui.toast('小程序路径已复制') })
  },

  onPreview(e) {
    const { url } = ui.dataset(e)
    if (url) wx.previewImage({ urls: [url], current: url })
  },

  onShareAppMessage(res = {}) {
    const { poster } = this.data
    if (res.from === 'button' && poster && poster.path) {
      return share.message({ title: '好物推荐', path: `/${poster.path}`, imageUrl: poster.url })
    }
    return share.home()
  },
})
