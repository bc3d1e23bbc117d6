/**
 * Paged lists with pull-down refresh and load-on-scroll, the same on every list page. The page
 * spreads `pagerData()` into its data, defines `fetchPage(pageNo)` returning the API's
 * `{items, count}` page (or a plain array), and calls `refresh(this)` / `more(this)`.
 */
function pagerData() {
  return { items: [], pageNo: 0, loading: false, loaded: false, finished: false, error: '' }
}

async function load(page, reset) {
  if (page.data.loading || (!reset && page.data.finished)) return
  const pageNo = reset ? 1 : page.data.pageNo + 1
  page.setData({ loading: true, error: '' })
  try {
    const res = await page.fetchPage(pageNo)
    const rows = Array.isArray(res) ? res : res.items || []
    const items = reset ? rows : page.data.items.concat(rows)
    const finished = Array.isArray(res) || rows.length === 0 || items.length >= (res.count || 0)
    page.setData({ items, pageNo, loading: false, loaded: true, finished })
  } catch (err) {
    page.setData({ loading: false, loaded: true, error: err.message || '加载失败' })
  } finally {
    if (reset && typeof wx.stopPullDownRefresh === 'function') wx.stopPullDownRefresh()
  }
}

/**
 * The three handlers every paged list page has (pull-down, reaching the bottom, the list-state's
 * retry); spread into `Page({ ...pager.listHandlers(), ... })`.
 */
function listHandlers() {
  return {
    onPullDownRefresh() { return load(this, true) },
    onReachBottom() { return load(this, false) },
    onRetry() { return load(this, true) },
  }
}

module.exports = {
  pagerData,
  listHandlers,
  refresh: (page) => load(page, true),
  more: (page) => load(page, false),
}
