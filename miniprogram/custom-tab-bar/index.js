/**
 * The tab bar, drawn with TDesign so the icons come from its font (no image files to keep). Each
 * tab page calls `tabBar.select(this, 'home')` in onShow; the cart count comes from the cart page.
 */
const TABS = [
  { value: 'home', label: '首页', icon: 'home', url: '/pages/index/index' },
  { value: 'category', label: '分类', icon: 'app', url: '/pages/category/index' },
  { value: 'cart', label: '购物车', icon: 'cart', url: '/pages/cart/index' },
  { value: 'me', label: '我的', icon: 'user', url: '/pages/me/index' },
]

Component({
  data: { active: 'home', tabs: TABS },
  methods: {
    onChange(e) {
      const tab = TABS.find((t) => t.value === e.detail.value)
      if (tab) wx.switchTab({ url: tab.url })
    },
  },
})
