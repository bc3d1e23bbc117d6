/** How a page tells the user something: toasts for outcomes, the server's own message for errors. */
function toast(title, icon = 'none') {
  wx.showToast({ title, icon, duration: 2000 })
}

function showError(err) {
  toast((err && err.message) || '操作失败，请稍后重试')
}

function confirm({ title = '提示', content, confirmText = '确定' }) {
  return new Promise((resolve) => {
    wx.showModal({ title, content, confirmText, success: (res) => resolve(Boolean(res.confirm)), fail: () => resolve(false) })
  })
}

function navigate(url) {
  return new Promise((resolve, reject) => wx.navigateTo({ url, success: resolve, fail: reject }))
}

function redirect(url) {
  return new Promise((resolve, reject) => wx.redirectTo({ url, success: resolve, fail: reject }))
}

const TABS = ['/pages/index/index', '/pages/category/index', '/pages/cart/index', '/pages/me/index']

/** Opens a page whether it is a tab (switchTab) or not (navigateTo). */
function open(url) {
  const path = url.split('?')[0]
  if (TABS.includes(path)) return new Promise((resolve, reject) => wx.switchTab({ url: path, success: resolve, fail: reject }))
  return navigate(url)
}

/** Data attributes from a tap: `data-id="{{x}}"` arrives as `e.currentTarget.dataset.id`. */
function dataset(e) {
  return (e && ((e.currentTarget && e.currentTarget.dataset) || (e.target && e.target.dataset))) || {}
}

module.exports = { toast, showError, confirm, navigate, redirect, open, dataset, TABS }
