/**
 * 排行榜: the API ranks by commission or sales over this week or this month; other distributors
 * arrive with masked names, and my own row and rank are marked.
 */
const distribution = require('../../../services/distribution')
const format = require('../../../utils/format')
const share = require('../../../utils/share')

Page({
  data: {
    period: 'week',
    by: 'commission',
    loading: true,
    loaded: false,
    error: '',
    entries: [],
    myRank: null,
    myFigure: 0,
    range: '',
  },

  onLoad() {
    return this.load()
  },

  onPullDownRefresh() {
    return this.load().finally(() => wx.stopPullDownRefresh())
  },

  async load() {
    const { period, by } = this.data
    this.setData({ loading: true, error: '' })
    try {
      const res = await distribution.rankings({ period, by })
      if (res.period !== this.data.period || res.by !== this.data.by) return
      const end = new Date(new Date(res.end).getTime() - 1).toISOString()
      this.setData({
        loading: false,
        loaded: true,
        entries: res.entries,
        myRank: res.my_rank,
        myFigure: res.my_figure_fen,
        range: `${format.date(res.start)} 至 ${format.date(end)}`,
      })
    } catch (err) {
      this.setData({ loading: false, loaded: true, error: err.message || '加载失败' })
    }
  },

  onPeriod(e) {
    this.setData({ period: e.detail.value, entries: [] })
    return this.load()
  },

  onBy(e) {
    this.setData({ by: e.detail.value, entries: [] })
    return this.load()
  },

  onRetry() { return this.load() },

  onShareAppMessage() {
    return share.home()
  },
})
