/**
 * Asking for an after-sale on one order line. The refund amount is the server's to compute (it
 * shares the line's paid amount and may add shipping), so the page shows the line's paid amount
 * as the ceiling and the server's figure after submitting. Evidence pictures are optional, each
 * uploaded when chosen (utils/picture-picker).
 */
const orders = require('../../services/orders')
const ui = require('../../utils/ui')
const share = require('../../utils/share')
const { pictureData, pictureMethods } = require('../../utils/picture-picker')

const KINDS = [
  { value: 'refund_only', label: '仅退款' },
  { value: 'return_refund', label: '退货退款' },
]
const REASONS = ['不想要了', '拍错/多拍', '商品质量问题', '商品与描述不符', '少件/漏发', '快递一直未送达', '其他']

Page({
  data: { kinds: KINDS, reasons: REASONS, order: null, line: null, max: 1, kind: 'refund_only', quantity: 1, reason: '', description: '', error: '', fieldError: '', submitting: false, ...pictureData },

  async onLoad(query = {}) {
    this.orderId = Number(query.order_id)
    try {
      const order = await orders.get(this.orderId)
      const line = order.lines.find((l) => l.id === Number(query.line_id))
      if (!line) throw new Error('所选商品不在该订单中')
      const max = Math.max(1, line.quantity - line.refunded_quantity)
      // Nothing shipped yet: there is nothing to return.
      const kinds = line.shipped_quantity > 0 ? KINDS : KINDS.slice(0, 1)
      this.setData({ order, line, max, quantity: max, kinds })
    } catch (err) {
      this.setData({ error: err.message || '加载失败' })
    }
  },

  ...pictureMethods,

  onKind(e) { this.setData({ kind: e.detail.value }) },
  onQuantity(e) { this.setData({ quantity: e.detail.value }) },
  onReason(e) { this.setData({ reason: e.detail.value, fieldError: '' }) },
  onDescription(e) { this.setData({ description: e.detail.value }) },

  async onSubmit() {
    const { kind, quantity, reason, description, line, photos, submitting, uploading } = this.data
    if (submitting || !line) return
    if (uploading) {
      ui.toast('图片上传中，请稍候')
      return
    }
    if (!reason) {
      this.setData({ fieldError: '请选择售后原因' })
      ui.toast('请选择售后原因')
      return
    }
    this.setData({ submitting: true })
    try {
      const created = await orders.applyAfterSale(this.orderId, { kind, reason, description, photos, lines: [{ order_line_id: line.id, quantity }] })
      await ui.redirect(`/pages/after-sale/detail?id=${created.id}`)
    } catch (err) {
      this.setData({ fieldError: err.field ? err.message : '' })
      ui.showError(err)
    }
    this.setData({ submitting: false })
  },

  onShareAppMessage() {
    return share.home()
  },
})
