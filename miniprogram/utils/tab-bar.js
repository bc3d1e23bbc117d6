/** Marks the current tab on the custom tab bar (absent outside WeChat, e.g. in unit tests). */
function select(page, value, badge) {
  if (typeof page.getTabBar !== 'function') return
  const bar = page.getTabBar()
  if (!bar) return
  const update = { active: value }
  if (badge !== undefined) {
    update.tabs = bar.data.tabs.map((tab) => (tab.value === 'cart' ? { ...tab, badge: badge ? { count: badge } : null } : tab))
  }
  bar.setData(update)
}

module.exports = { select }
