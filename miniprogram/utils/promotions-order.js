/**
 * Buying from a promotion (seckill, open or join a group): an address first — the one picked in
 * the address book, else the default one, else the address form — then the order, then WeChat's
 * cashier. The page keeps `address` in its data so the shopper sees where it goes.
 */
const addresses = require('../services/addresses')
const addressPick = require('./address-pick')
const ui = require('./ui')
const payment = require('./payment')

async function defaultAddress() {
  const found = await addresses.list()
  const rows = Array.isArray(found) ? found : (found && found.items) || []
  return rows.find((a) => a.is_default) || rows[0] || null
}

/** For onShow: the address chosen in the book replaces the shown one. */
function takePicked(page) {
  const picked = addressPick.take()
  if (picked) page.setData({ address: picked })
}

/** Shows the default address when the page opens; a failure only leaves it to the buy step. */
async function loadDefault(page) {
  if (page.data.address) return
  try {
    const address = await defaultAddress()
    if (address && !page.data.address) page.setData({ address })
  } catch (err) {
    // The buy step asks again and shows the server's message then.
  }
}

/** The address to order with, or null after sending the shopper to add one. */
async function ensureAddress(page) {
  if (page.data.address) return page.data.address
  const address = await defaultAddress()
  if (address) {
    page.setData({ address })
    return address
  }
  ui.toast('请先添加收货地址')
  ui.navigate('/pages/address/edit')
  return null
}

/** Pays the placed order; a cancelled cashier leaves the order to be paid from its page. */
async function pay(orderId) {
  const outcome = await payment.payOrder(orderId)
  if (outcome.paid) ui.toast('支付成功', 'success')
  else if (outcome.cancelled) ui.toast('已取消支付，可在订单中继续支付')
  else ui.toast('支付未完成，可在订单中继续支付')
  return outcome
}

module.exports = { defaultAddress, takePicked, loadDefault, ensureAddress, pay, pick: addressPick.pick }
