const catalog = require('../../services/catalog')
const pager = require('../../utils/pager')
const ui = require('../../utils/ui')
const share = require('../../utils/share')

Page({
  data: { ...pager.pagerData() },
  onLoad() { pager.refresh(this) },
  fetchPage(pageNo) { return catalog.products({ page: pageNo }) },
  onMore() { pager.more(this) },
  onRetry() { pager.refresh(this) },
  onOpen(e) { ui.navigate(`/pages/product/detail?id=${ui.dataset(e).id}`) },
  onShareAppMessage() { return share.message({ title: '分销商城', path: '/pages/index/index' }) },
})
