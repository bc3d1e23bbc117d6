/**
 * One after-sale: its progress, the server's refund amounts, and the buyer's next step when the
 * server allows it (can_cancel, can_ship_return).
 */
const orders = require('../../services/orders')
const format = require('../../utils/format')
const ui = require('../../utils/ui')
const share = require('../../utils/share')

// The carriers the server knows (orders/shipping/tracking.py); a return names one by its code.
const CARRIERS = [
  { code: 'SF', name: '顺丰速运' },
  { code: 'ZTO', name: '中通快递' },
  { code: 'YTO', name: '圆通速递' },
  { code: 'YD', name: '韵达快递' },
  { code: 'STO', name: '申通快递' },
  { code: 'JD', name: '京东物流' },
  { code: 'EMS', name: '中国邮政EMS' },
  { code: 'JTSDEXPRESS', name: '极兔速递' },
]

Page({
  data: { id: 0, item: null, error: '', loading: true, carriers: CARRIERS, carrierIndex: -1, trackingNo: '', fieldError: '', field: '', submitting: false },

  onLoad(query = {}) {
    this.setData({ id: Number(query.id) })
    return this.load()
  },

  onPullDownRefresh() {
    return this.load().finally(() => wx.stopPullDownRefresh())
  },

  async load() {
    try {
      this.show(await orders.afterSale(this.data.id))
    } catch (err) {
      this.setData({ error: err.message || '加载失败', loading: false })
    }
  },

  show(item) {
    this.setData({
      item: {
        ...item,
        timeline: (item.timeline || []).map((t) => ({ ...t, time: format.datetime(t.created_at) })).reverse(),
        createdText: format.datetime(item.created_at),
      },
      error: '',
      loading: false,
    })
  },

  async onCancel() {
    if (!(await ui.confirm({ content: '确定撤销这个售后申请吗？' }))) return
    try {
      this.show(await orders.cancelAfterSale(this.data.id))
      ui.toast('已撤销')
    } catch (err) {
      ui.showError(err)
      await this.load()
    }
  },

  onCarrier(e) {
    this.setData({ carrierIndex: Number(e.detail.value), field: '', fieldError: '' })
  },

  onTrackingNo(e) {
    this.setData({ trackingNo: e.detail.value, field: '', fieldError: '' })
  },

  async onShipReturn() {
    const { carriers, carrierIndex, trackingNo } = this.data
    const carrier = carriers[carrierIndex]
    if (!carrier) return this.setData({ field: 'carrier_code', fieldError: '请选择退货快递公司' })
    if (!trackingNo.trim()) return this.setData({ field: 'tracking_no', fieldError: '请填写退货运单号' })
    this.setData({ submitting: true })
    try {
      this.show(await orders.returnShipment(this.data.id, { carrier_code: carrier.code, carrier_name: carrier.name, tracking_no: trackingNo.trim() }))
      ui.toast('已提交退货物流')
    } catch (err) {
      this.setData({ field: err.field || '', fieldError: err.field ? err.message : '' })
      ui.showError(err)
    }
    return this.setData({ submitting: false })
  },

  onOrder() {
    ui.navigate(`/pages/order/detail?id=${this.data.item.order_id}`)
  },

  onRetry() {
    return this.load()
  },

  onShareAppMessage() {
    return share.home()
  },
})
