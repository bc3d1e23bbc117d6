/**
 * Filing a complaint: a category from the server's fixed list, what happened, and whom it is
 * about — a distributor's code, or the order the page was opened from (`order_id`), or both. The
 * server checks the code and that the order is the shopper's own; the page shows its answer.
 * Pictures are optional: each is uploaded when chosen (utils/picture-picker) and sent as its URL.
 */
const complaints = require('../../services/complaints')
const ui = require('../../utils/ui')
const share = require('../../utils/share')
const { pictureData, pictureMethods } = require('../../utils/picture-picker')

Page({
  data: { categories: [], category: '', orderId: 0, orderNo: '', code: '', content: '', field: '', fieldError: '', error: '', submitting: false, ...pictureData },

  async onLoad(query = {}) {
    this.setData({ orderId: Number(query.order_id) || 0, orderNo: query.order_no || '', code: query.code || '' })
    try {
      this.setData({ categories: await complaints.categories() })
    } catch (err) {
      this.setData({ error: err.message || '加载失败' })
    }
  },

  ...pictureMethods,

  onCategory(e) { this.setData({ category: e.detail.value, field: '', fieldError: '' }) },
  onCode(e) { this.setData({ code: e.detail.value, field: '', fieldError: '' }) },
  onContent(e) { this.setData({ content: e.detail.value, field: '', fieldError: '' }) },

  async onSubmit() {
    const { category, code, content, orderId, photos, submitting, uploading } = this.data
    if (submitting) return
    if (uploading) return ui.toast('图片上传中，请稍候')
    if (!category) return this.setData({ field: 'category', fieldError: '请选择投诉类型' })
    if (!content.trim()) return this.setData({ field: 'content', fieldError: '请填写投诉内容' })
    if (!orderId && !code.trim()) return this.setData({ field: 'distributor_code', fieldError: '请填写被投诉分销商的推广码' })
    this.setData({ submitting: true })
    try {
      const data = { category, content: content.trim(), distributor_code: code.trim(), photos }
      if (orderId) data.order_id = orderId
      const created = await complaints.create(data)
      await ui.redirect(`/pages/complaint/detail?id=${created.id}`)
    } catch (err) {
      this.setData({ field: err.field || '', fieldError: err.field ? err.message : '' })
      ui.showError(err)
    }
    return this.setData({ submitting: false })
  },

  onShareAppMessage() {
    return share.home()
  },
})
