/**
 * The order shortcuts of 我的: each opens the order list on the tab the API filters by
 * (`status` of GET /orders), and its badge is that tab's count from GET /orders/counts.
 */
const ORDER_SHORTCUTS = [
  { key: 'pending_payment', label: '待付款', icon: 'wallet', url: '/pages/order/list?status=pending_payment' },
  { key: 'to_ship', label: '待发货', icon: 'shop', url: '/pages/order/list?status=to_ship' },
  { key: 'to_receive', label: '待收货', icon: 'send', url: '/pages/order/list?status=to_receive' },
  { key: 'completed', label: '已完成', icon: 'check-circle', url: '/pages/order/list?status=completed' },
  // Counted by after-sales still in progress, the same set as the after-sales list's "open".
  { key: 'open_after_sales', label: '退款/售后', icon: 'service', url: '/pages/after-sale/list' },
]

// 已完成 is history, not something waiting for the shopper: no badge.
const NO_BADGE = ['completed']

function shortcuts(counts) {
  return ORDER_SHORTCUTS.map((s) => ({ ...s, count: counts && !NO_BADGE.includes(s.key) ? counts[s.key] || 0 : 0 }))
}

/** What the distributor entry says and where it leads, from GET /distribution/me. */
function distributorEntry(me) {
  if (!me) return null
  if (me.is_distributor) {
    return {
      kind: 'centre',
      title: '分销中心',
      note: me.status === 'active' ? '' : me.status_label,
      availableFen: me.balances ? me.balances.available_fen : 0,
      url: '/pages/distributor/centre/index',
    }
  }
  if (me.status === 'applying') {
    return { kind: 'applying', title: '分销商申请', note: '审核中', url: '/pages/distributor/centre/apply' }
  }
  if (me.can_apply) {
    return {
      kind: 'apply',
      title: '成为分销商',
      note: me.status === 'rejected' ? '申请已驳回，可重新申请' : '分享赚佣金',
      url: '/pages/distributor/centre/apply',
    }
  }
  return null
}

module.exports = { ORDER_SHORTCUTS, shortcuts, distributorEntry }
