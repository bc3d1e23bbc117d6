/**
 * Paying an order, the same from checkout, seckill, group-buy and the order pages: the server
 * prepares the WeChat payment (`POST /orders/{id}/pay`) and WeChat's cashier takes the returned
 * parameters as they are. The order's state comes from the server afterwards, never from the
 * cashier's callback alone (the notification may arrive after the user is back).
 */
const orders = require('../services/orders')
const subscribe = require('./subscribe')

function requestPayment(params) {
  return new Promise((resolve) => {
    wx.requestPayment({
      ...params,
      success: () => resolve({ paid: true, cancelled: false }),
      fail: (res) => resolve({ paid: false, cancelled: /cancel/.test((res && res.errMsg) || ''), errMsg: res && res.errMsg }),
    })
  })
}

/** Resolves `{ paid, cancelled }`; API refusals (order closed, already paid...) reject with ApiError. */
async function payOrder(orderId) {
  // Asked first, while the tap still counts: shipping, refund and group-buy news after paying.
  subscribe.ask('pay')
  subscribe.prepare('pay')
  const prepared = await orders.pay(orderId)
  return requestPayment(prepared.params)
}

/** A fresh key per submission, so a retried POST /orders places one order. */
function idempotencyKey() {
  const random = Math.random().toString(36).slice(2, 10)
  return `mp-${Date.now().toString(36)}-${random}`
}

module.exports = { payOrder, idempotencyKey }
