/**
 * What the order list and the order detail both let the buyer do, each ending in the server's
 * answer: resolves true when the order changed (the page reloads it), false otherwise.
 */
const orders = require('../services/orders')
const payment = require('./payment')
const ui = require('./ui')

async function pay(id) {
  try {
    const outcome = await payment.payOrder(id)
    if (outcome.paid) ui.toast('支付成功', 'success')
    else if (!outcome.cancelled) ui.toast('支付未完成，请重试')
    return outcome.paid
  } catch (err) {
    ui.showError(err)
    return true
  }
}

async function cancel(id) {
  if (!(await ui.confirm({ content: '确定取消这个订单吗？' }))) return false
  try {
    await orders.cancel(id, '买家取消')
    ui.toast('订单已取消')
  } catch (err) {
    ui.showError(err)
  }
  return true
}

async function confirmReceipt(id) {
  if (!(await ui.confirm({ content: '确认已收到全部商品吗？' }))) return false
  try {
    await orders.confirmReceipt(id)
    ui.toast('已确认收货', 'success')
  } catch (err) {
    ui.showError(err)
  }
  return true
}

/** Which buttons an order in this status shows. */
function actionsFor(status) {
  return {
    canPay: status === 'pending_payment',
    canCancel: status === 'pending_payment',
    canConfirm: status === 'shipped',
    canTrack: status === 'shipped' || status === 'received' || status === 'completed',
    canAfterSale: status === 'paid' || status === 'shipped' || status === 'received',
    // A paid order, whatever became of it, can be complained about (投诉与建议).
    canComplain: status !== 'pending_payment' && status !== 'cancelled',
  }
}

module.exports = { pay, cancel, confirmReceipt, actionsFor }
