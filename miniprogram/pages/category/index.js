/**
 * The category tab: top-level categories down the side, their sub-categories as chips, and the
 * chosen category's products paged on scroll (a top-level category includes its children's).
 * Other pages choose the category through storage, because switchTab cannot carry a query.
 */
const catalog = require('../../services/catalog')
const pager = require('../../utils/pager')
const ui = require('../../utils/ui')
const share = require('../../utils/share')
const tabBar = require('../../utils/tab-bar')

const CATEGORY_TAB_KEY = 'fenxiao.categoryTab'

Page({
  data: { ...pager.pagerData(), categories: [], topId: 0, childId: 0, children: [], categoryError: '' },

  onLoad() {
    this.ready = this.loadCategories()
    return this.ready
  },

  async onShow() {
    tabBar.select(this, 'category')
    await this.ready
    const wanted = wx.getStorageSync(CATEGORY_TAB_KEY)
    if (wanted) {
      wx.removeStorageSync(CATEGORY_TAB_KEY)
      await this.choose(Number(wanted))
    }
  },

  async loadCategories() {
    try {
      const categories = await catalog.categories()
      this.setData({ categories, categoryError: '' })
      if (!this.data.topId && categories.length && !wx.getStorageSync(CATEGORY_TAB_KEY)) await this.choose(categories[0].id)
    } catch (err) {
      this.setData({ categoryError: err.message || '加载失败', loaded: true })
    }
  },

  /** Selects a category by id, top-level or child, and reloads its products. */
  choose(id) {
    const { categories } = this.data
    let top = categories.find((c) => c.id === id)
    let childId = 0
    if (!top) {
      top = categories.find((c) => (c.children || []).some((child) => child.id === id))
      if (!top) return undefined
      childId = id
    }
    this.setData({ topId: top.id, childId, children: top.children || [], items: [], pageNo: 0, finished: false, loaded: false })
    return pager.refresh(this)
  },

  onSideChange(e) { return this.choose(Number(e.detail.value)) },
  onChild(e) {
    const id = Number(ui.dataset(e).id)
    return id ? this.choose(id) : this.choose(this.data.topId)
  },

  fetchPage(pageNo) {
    return catalog.products({ category: this.data.childId || this.data.topId, page: pageNo })
  },

  onPullDownRefresh() {
    if (this.data.categoryError) this.ready = this.loadCategories()
    else pager.refresh(this)
  },
  onReachBottom() { pager.more(this) },
  onRetry() {
    if (this.data.categoryError) this.ready = this.loadCategories()
    else pager.refresh(this)
  },
  onSearch() { ui.navigate('/pages/search/index') },

  onShareAppMessage() { return share.message({ title: '商品分类', path: '/pages/category/index' }) },
  onShareTimeline() { return share.timeline({ title: '商品分类' }) },
})
