/**
 * Marks the current tab on the custom tab bar (absent outside WeChat, e.g. in unit tests); a
 * `badge` count goes on that tab (the cart's items, 我的's unread messages).
 */
function select(page, value, badge) {
  if (typeof page.getTabBar !== 'function') return
  const bar = page.getTabBar()
  if (!bar) return
  const update = { active: value }
  if (badge !== undefined) {
    update.tabs = bar.data.tabs.map((tab) => (tab.value === value ? { ...tab, badge: badge ? { count: badge } : null } : tab))
  }
  bar.setData(update)
}

module.exports = { select }
