/**
 * One order: state, address, lines, the server's amounts, the timeline and the shipments with
 * their tracking. Every action reloads the order from the server afterwards.
 */
const orders = require('../../services/orders')
const actions = require('../../utils/orders-actions')
const format = require('../../utils/format')
const ui = require('../../utils/ui')
const share = require('../../utils/share')

// A paid order may already be partly shipped, so its shipments are asked for from then on.
const SHIPPABLE = ['paid', 'shipped', 'received', 'completed']

Page({
  data: { id: 0, order: null, shipments: [], error: '', loading: true, justPaid: false },

  onLoad(query = {}) {
    this.setData({ id: Number(query.id), justPaid: query.paid === '1' })
    return this.load()
  },

  onShow() {
    if (this.shown) return this.load()
    this.shown = true
    return undefined
  },

  onPullDownRefresh() {
    return this.load().finally(() => wx.stopPullDownRefresh())
  },

  async load() {
    this.setData({ loading: true })
    try {
      const order = await orders.get(this.data.id)
      const shipments = SHIPPABLE.includes(order.status) ? await orders.shipments(order.id) : []
      this.setData({
        order: {
          ...order,
          ...actions.actionsFor(order.status),
          createdText: format.datetime(order.created_at),
          paidText: format.datetime(order.paid_at),
          deadlineText: order.status === 'pending_payment' ? format.datetime(order.payment_deadline) : '',
          events: (order.events || []).map((e) => ({ ...e, time: format.datetime(e.created_at) })).reverse(),
          lines: order.lines.map((l) => ({ ...l, refundable: l.quantity - l.refunded_quantity })),
        },
        shipments: shipments.map((s) => ({ ...s, time: format.datetime(s.shipped_at), deliveredText: s.delivered_at ? format.datetime(s.delivered_at) : '', events: (s.events || []).map((ev) => ({ ...ev, timeText: format.datetime(ev.time) })) })),
        error: '',
        loading: false,
      })
    } catch (err) {
      this.setData({ error: err.message || '加载失败', loading: false })
    }
  },

  async onPay() {
    if (await actions.pay(this.data.id)) await this.load()
  },

  async onCancel() {
    if (await actions.cancel(this.data.id)) await this.load()
  },

  async onConfirm() {
    if (await actions.confirmReceipt(this.data.id)) await this.load()
  },

  onCopy(e) {
    wx.setClipboardData({ data: String(ui.dataset(e).no) })
  },

  onAfterSale(e) {
    ui.navigate(`/pages/after-sale/apply?order_id=${this.data.id}&line_id=${ui.dataset(e).line}`)
  },

  onAfterSales() {
    ui.navigate('/pages/after-sale/list')
  },

  onComplain() {
    const { order } = this.data
    ui.navigate(`/pages/complaint/new?order_id=${order.id}&order_no=${order.order_no}`)
  },

  onRetry() {
    return this.load()
  },

  onShareAppMessage() {
    return share.home()
  },
})
