/** 我的客户: people who bought through me (masked by the server), their orders and spending. */
const distribution = require('../../../services/distribution')
const format = require('../../../utils/format')
const pager = require('../../../utils/pager')
const share = require('../../../utils/share')

Page({
  data: { ...pager.pagerData() },

  onLoad() {
    return pager.refresh(this)
  },

  async fetchPage(pageNo) {
    const res = await distribution.customers({ page: pageNo })
    return { ...res, items: res.items.map((c, i) => ({ ...c, key: `${pageNo}-${i}`, last: format.date(c.last_order_at) })) }
  },

  onPullDownRefresh() { return pager.refresh(this) },
  onReachBottom() { return pager.more(this) },
  onRetry() { return pager.refresh(this) },

  onShareAppMessage() {
    return share.message({ title: '分销商城', path: '/pages/index/index' })
  },
})
