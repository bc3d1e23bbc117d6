/** 我的客户: people who bought through me (masked by the server), their orders and spending. */
const distribution = require('../../../services/distribution')
const format = require('../../../utils/format')
const pager = require('../../../utils/pager')
const share = require('../../../utils/share')

Page({
  ...pager.listHandlers(),

  data: { ...pager.pagerData() },

  onLoad() {
    return pager.refresh(this)
  },

  async fetchPage(pageNo) {
    const res = await distribution.customers({ page: pageNo })
    return { ...res, items: res.items.map((c, i) => ({ ...c, key: `${pageNo}-${i}`, last: format.date(c.last_order_at) })) }
  },

  onShareAppMessage() {
    return share.home()
  },
})
