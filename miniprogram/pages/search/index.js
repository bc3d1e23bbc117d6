/**
 * Keyword search with sort tabs and a price range in 元. The range is checked here first (a typo
 * or an inverted range gets a message and no request); anything the server still refuses is
 * shown with its own message in the list's error state. The query `q` (and `sort`, and a banner's
 * `min_price`/`max_price` in 元) presets the search.
 */
const catalog = require('../../services/catalog')
const pager = require('../../utils/pager')
const share = require('../../utils/share')
const format = require('../../utils/format')

const SORTS = [
  { value: 'default', label: '综合' },
  { value: 'sales', label: '销量' },
  { value: 'price', label: '价格↑' },
  { value: 'price_desc', label: '价格↓' },
  { value: 'new', label: '新品' },
]

/** The range typed in 元 → `{min, max}` in fen, or `{message}` saying what is wrong. */
function parseRange(minText, maxText) {
  const read = (text) => (String(text || '').trim() === '' ? undefined : format.fenFromYuan(text))
  const min = read(minText)
  const max = read(maxText)
  if (min === null || max === null) return { message: '请输入正确的价格（元，最多两位小数）' }
  if (min !== undefined && max !== undefined && min > max) return { message: '最低价不能高于最高价' }
  return { min, max }
}

Page({
  data: {
    ...pager.pagerData(),
    sorts: SORTS,
    q: '',
    sort: 'default',
    minText: '',
    maxText: '',
    rangeError: '',
    range: {},
  },

  onLoad(query = {}) {
    const sort = SORTS.some((s) => s.value === query.sort) ? query.sort : 'default'
    this.setData({ q: query.q || '', sort, minText: query.min_price || '', maxText: query.max_price || '' })
    return this.search()
  },

  /** Runs the search with what is on screen; a bad range stops it before any request. */
  search() {
    const range = parseRange(this.data.minText, this.data.maxText)
    if (range.message) {
      this.setData({ rangeError: range.message })
      wx.showToast({ title: range.message, icon: 'none' })
      return undefined
    }
    this.setData({ rangeError: '', range, items: [], pageNo: 0, finished: false, loaded: false })
    return pager.refresh(this)
  },

  fetchPage(pageNo) {
    const { q, sort, range } = this.data
    return catalog.products({ q: q.trim(), sort, page: pageNo, min_price_fen: range.min, max_price_fen: range.max })
  },

  onKeyword(e) { this.setData({ q: e.detail.value || '' }) },
  onSubmit(e) {
    if (e && e.detail && e.detail.value !== undefined) this.setData({ q: e.detail.value })
    return this.search()
  },
  onClear() {
    this.setData({ q: '' })
    return this.search()
  },
  onSort(e) {
    this.setData({ sort: e.detail.value })
    return this.search()
  },
  onMinInput(e) { this.setData({ minText: e.detail.value, rangeError: '' }) },
  onMaxInput(e) { this.setData({ maxText: e.detail.value, rangeError: '' }) },
  onApplyRange() { return this.search() },
  onResetRange() {
    this.setData({ minText: '', maxText: '' })
    return this.search()
  },

  onPullDownRefresh() { return this.search() },
  onReachBottom() { pager.more(this) },
  onRetry() { return this.search() },

  onShareAppMessage() {
    const q = this.data.q.trim()
    return share.message({ title: q ? `搜索：${q}` : '搜索商品', path: `/pages/search/index${q ? `?q=${encodeURIComponent(q)}` : ''}` })
  },
  onShareTimeline() {
    const q = this.data.q.trim()
    return share.timeline({ title: q ? `搜索：${q}` : '搜索商品', query: q ? `q=${encodeURIComponent(q)}` : '' })
  },
})
