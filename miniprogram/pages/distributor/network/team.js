/**
 * 我的团队: people bound to me (一级) and to my level-1 distributors (二级), masked by the server,
 * with when they joined and what they bought through me. Level tabs are the API's `level`.
 */
const distribution = require('../../../services/distribution')
const format = require('../../../utils/format')
const pager = require('../../../utils/pager')
const share = require('../../../utils/share')

Page({
  ...pager.listHandlers(),

  data: { level: 1, counts: { level1: 0, level2: 0 }, ...pager.pagerData() },

  onLoad() {
    return pager.refresh(this)
  },

  async fetchPage(pageNo) {
    const res = await distribution.team({ page: pageNo, level: this.data.level })
    this.setData({ counts: { level1: res.level1_count, level2: res.level2_count } })
    return { ...res, items: res.items.map((m) => ({ ...m, joined: format.date(m.bound_at) })) }
  },

  onTab(e) {
    this.setData({ level: Number(e.detail.value), items: [], finished: false, loaded: false })
    return pager.refresh(this)
  },

  onShareAppMessage() {
    return share.home()
  },
})
