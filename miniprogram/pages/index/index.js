/**
 * The home page: banners, category shortcuts, the running seckill and group-buy activities, and
 * recommended products paged on scroll. Each block loads on its own, so one failing API (e.g. the
 * activities while WeChat login is down) leaves the rest of the page usable.
 */
const catalog = require('../../services/catalog')
const pager = require('../../utils/pager')
const ui = require('../../utils/ui')
const share = require('../../utils/share')
const tabBar = require('../../utils/tab-bar')
const links = require('../../utils/catalog-links')

const CATEGORY_TAB_KEY = 'fenxiao.categoryTab'
const ENTRY_COUNT = 2
const SHORTCUT_COUNT = 8

Page({
  data: { ...pager.pagerData(), banners: [], bannerImages: [], allPictures: false, categories: [], seckills: [], groupBuys: [] },

  onLoad() { this.reload() },
  onShow() { tabBar.select(this, 'home') },
  onPullDownRefresh() { this.reload() },
  onReachBottom() { pager.more(this) },
  onRetry() { pager.refresh(this) },

  reload() {
    return Promise.all([this.loadBlocks(), pager.refresh(this)])
  },

  async loadBlocks() {
    const quiet = (promise) => promise.catch(() => [])
    const [banners, categories, seckills, groupBuys] = await Promise.all([
      quiet(catalog.banners()),
      quiet(catalog.categories()),
      quiet(catalog.seckills()),
      quiet(catalog.groupBuys()),
    ])
    // t-swiper draws pictures only; text-only banners (no image_url) are drawn as cards instead.
    const bannerImages = banners.map((b) => b.image_url).filter(Boolean)
    this.setData({
      banners,
      bannerImages,
      allPictures: banners.length > 0 && bannerImages.length === banners.length,
      categories: categories.slice(0, SHORTCUT_COUNT).map((c) => ({ ...c, icon: /^https?:\/\//.test(c.icon) ? c.icon : '' })),
      seckills: seckills.slice(0, ENTRY_COUNT).map(links.seckillView),
      groupBuys: groupBuys.slice(0, ENTRY_COUNT).map(links.groupBuyView),
    })
  },

  fetchPage(pageNo) { return catalog.products({ page: pageNo, sort: 'default' }) },

  onBannerClick(e) { this.openBanner(e.detail.index) },
  onBanner(e) { this.openBanner(ui.dataset(e).index) },
  openBanner(index) {
    const banner = this.data.banners[index]
    const url = banner && links.pageForLink(banner.link)
    if (url) ui.open(url)
  },

  onCategory(e) {
    wx.setStorageSync(CATEGORY_TAB_KEY, ui.dataset(e).id)
    ui.open('/pages/category/index')
  },

  onSearch() { ui.navigate('/pages/search/index') },
  onSeckill(e) { ui.navigate(`/pages/seckill/detail?id=${ui.dataset(e).id}`) },
  onSeckillMore() { ui.navigate('/pages/seckill/list') },
  onGroupBuy(e) { ui.navigate(`/pages/group-buy/activity?id=${ui.dataset(e).id}`) },
  onGroupBuyMore() { ui.navigate('/pages/group-buy/list') },
  onCoupons() { ui.navigate('/pages/coupon/centre') },
  onInvite() { ui.navigate('/pages/invite/index') },

  onShareAppMessage() { return share.home() },
  onShareTimeline() { return share.timeline({ title: '分销商城' }) },
})
