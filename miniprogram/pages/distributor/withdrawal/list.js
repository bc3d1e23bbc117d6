/**
 * 提现记录: every withdrawal with its state. One whose WeChat transfer waits for the payee shows
 * 确认收款: the list rows carry no confirm_params, so the detail is read first.
 */
const distribution = require('../../../services/distribution')
const format = require('../../../utils/format')
const pager = require('../../../utils/pager')
const ui = require('../../../utils/ui')
const share = require('../../../utils/share')
const { confirmTransfer } = require('../../../utils/distributor-transfer')

function row(w) {
  return {
    ...w,
    created: format.datetime(w.created_at),
    paid: format.datetime(w.paid_at),
    awaitingConfirm: w.method === 'wechat' && w.status === 'paying',
    reason: w.reject_reason || w.fail_reason,
  }
}

Page({
  ...pager.listHandlers(),

  data: { ...pager.pagerData(), confirming: 0 },

  onShow() {
    return pager.refresh(this)
  },

  async fetchPage(pageNo) {
    const res = await distribution.withdrawals({ page: pageNo })
    return { ...res, items: res.items.map(row) }
  },

  async onConfirm(e) {
    const id = Number(ui.dataset(e).id)
    if (!id || this.data.confirming) return
    this.setData({ confirming: id })
    try {
      const detail = await distribution.withdrawal(id)
      if (!detail.confirm_params) {
        ui.toast('该笔提现当前无需确认收款')
      } else {
        const outcome = await confirmTransfer(detail.confirm_params)
        ui.toast(outcome.confirmed ? '已确认收款' : '未完成确认，可稍后再试', outcome.confirmed ? 'success' : 'none')
      }
    } catch (err) {
      ui.showError(err)
    } finally {
      this.setData({ confirming: 0 })
    }
    return pager.refresh(this)
  },

  onShareAppMessage() {
    return share.home()
  },
})
