/**
 * Checkout. The basket comes from the product page (`lines`, URI-encoded JSON [{sku_id, quantity}])
 * or the cart's selected items (`from_cart=1`); every total shown is the server's quote, asked
 * again whenever the address or the coupon changes. The submission carries one Idempotency-Key
 * until the basket changes, so a retried tap places one order.
 */
const orders = require('../../services/orders')
const cart = require('../../services/cart')
const addresses = require('../../services/addresses')
const payment = require('../../utils/payment')
const addressPick = require('../../utils/address-pick')
const ui = require('../../utils/ui')
const share = require('../../utils/share')

function parseLines(raw) {
  try {
    const lines = JSON.parse(decodeURIComponent(raw))
    return Array.isArray(lines) ? lines.map((l) => ({ sku_id: Number(l.sku_id), quantity: Number(l.quantity) })) : []
  } catch (err) {
    return []
  }
}

Page({
  data: {
    lines: [],
    fromCart: false,
    address: null,
    addressLoaded: false,
    quote: null,
    quoteError: '',
    coupons: [],
    unusableCoupons: [],
    couponId: null,
    couponLabel: '',
    couponVisible: false,
    remark: '',
    submitting: false,
  },

  async onLoad(query = {}) {
    const fromCart = query.from_cart === '1' || query.from_cart === 1
    this.setData({ fromCart })
    try {
      const lines = fromCart ? await this.cartLines() : parseLines(query.lines || '[]')
      this.setData({ lines })
      if (!lines.length) {
        this.setData({ quoteError: '没有要结算的商品' })
        return
      }
      await this.loadAddress()
    } catch (err) {
      ui.showError(err)
      this.setData({ quoteError: err.message || '加载失败' })
    }
  },

  async onShow() {
    // Before the basket is known (first show) there is nothing to re-quote; the pick waits.
    if (!this.data.lines.length) return
    const picked = addressPick.take()
    if (picked) {
      this.setData({ address: picked, addressLoaded: true })
      this.basketChanged()
      await this.requote()
    }
  },

  async cartLines() {
    const res = await cart.list()
    return (res.items || []).filter((i) => i.selected && i.available).map((i) => ({ sku_id: i.sku_id, quantity: i.quantity }))
  },

  async loadAddress() {
    const list = await addresses.list()
    const address = list.find((a) => a.is_default) || list[0] || null
    this.setData({ address, addressLoaded: true })
    await this.requote()
  },

  /** A different basket must not reuse the key of the previous one (the server refuses it). */
  basketChanged() {
    this.submitKey = ''
  },

  async requote() {
    const { lines, address, couponId } = this.data
    try {
      const quote = await orders.quote({ lines, address_id: address ? address.id : null, options: { coupon_id: couponId } })
      this.setData({ quote, quoteError: '' })
    } catch (err) {
      this.setData({ quoteError: err.message || '结算信息获取失败' })
      ui.showError(err)
    }
  },

  onPickAddress() {
    addressPick.pick()
  },

  async onOpenCoupons() {
    try {
      const res = await orders.usableCoupons(this.data.lines, this.data.address ? this.data.address.id : null)
      this.setData({ coupons: res.usable || [], unusableCoupons: res.unusable || [], couponVisible: true })
    } catch (err) {
      ui.showError(err)
    }
  },

  onCouponVisible(e) {
    this.setData({ couponVisible: Boolean(e.detail && e.detail.visible) })
  },

  onCloseCoupons() {
    this.setData({ couponVisible: false })
  },

  async onChooseCoupon(e) {
    const { id } = ui.dataset(e)
    const coupon = this.data.coupons.find((c) => c.id === id)
    this.setData({ couponId: coupon ? coupon.id : null, couponLabel: coupon ? coupon.template.name : '', couponVisible: false })
    this.basketChanged()
    await this.requote()
  },

  onRemark(e) {
    this.setData({ remark: e.detail.value })
  },

  async onSubmit() {
    const { lines, address, couponId, remark, fromCart, submitting } = this.data
    if (submitting) return
    if (!address) {
      ui.toast('请先添加收货地址')
      return
    }
    if (!this.submitKey) this.submitKey = payment.idempotencyKey()
    this.setData({ submitting: true })
    let order
    try {
      order = await orders.create({ lines, address_id: address.id, options: { coupon_id: couponId }, remark, from_cart: fromCart }, this.submitKey)
    } catch (err) {
      this.setData({ submitting: false, quoteError: err.message || '' })
      ui.showError(err)
      return
    }
    this.submitKey = ''
    await this.pay(order)
  },

  async pay(order) {
    let outcome = { paid: false }
    try {
      outcome = await payment.payOrder(order.id)
    } catch (err) {
      ui.showError(err)
    }
    this.setData({ submitting: false })
    if (!outcome.paid && !outcome.cancelled && outcome.errMsg) ui.toast('支付未完成，可在订单中继续支付')
    await ui.redirect(`/pages/order/detail?id=${order.id}${outcome.paid ? '&paid=1' : ''}`)
  },

  onShareAppMessage() {
    return share.home()
  },
})
