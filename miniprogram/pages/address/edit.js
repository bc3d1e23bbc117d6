/**
 * Adding or editing an address. Required fields are checked here first; the server then judges
 * the rest (the phone number, lengths) and its message appears under the field it names, with
 * everything typed kept.
 */
const addresses = require('../../services/addresses')
const ui = require('../../utils/ui')
const share = require('../../utils/share')

const FIELDS = ['receiver', 'phone', 'province', 'city', 'district', 'detail']
const REQUIRED = { receiver: '请填写收货人', phone: '请填写手机号', province: '请选择所在地区', city: '请选择所在地区', district: '请选择所在地区', detail: '请填写详细地址' }

Page({
  data: {
    id: 0,
    form: { receiver: '', phone: '', province: '', city: '', district: '', detail: '', is_default: false },
    region: [],
    errors: {},
    saving: false,
    loadError: '',
  },

  async onLoad(query = {}) {
    const id = Number(query.id) || 0
    this.setData({ id })
    wx.setNavigationBarTitle({ title: id ? '编辑地址' : '新增地址' })
    if (!id) return
    try {
      const a = await addresses.get(id)
      const form = { receiver: a.receiver, phone: a.phone, province: a.province, city: a.city, district: a.district, detail: a.detail, is_default: a.is_default }
      this.setData({ form, region: [a.province, a.city, a.district] })
    } catch (err) {
      this.setData({ loadError: err.message || '加载失败' })
      ui.showError(err)
    }
  },

  onField(e) {
    const { field } = ui.dataset(e)
    this.setData({ [`form.${field}`]: e.detail.value, [`errors.${field}`]: '' })
  },

  onRegion(e) {
    const [province, city, district] = e.detail.value
    this.setData({ region: e.detail.value, 'form.province': province, 'form.city': city, 'form.district': district, 'errors.province': '' })
  },

  onDefault(e) {
    this.setData({ 'form.is_default': Boolean(e.detail.value) })
  },

  validate() {
    const errors = {}
    const { form } = this.data
    FIELDS.forEach((f) => {
      if (!String(form[f] || '').trim()) errors[f === 'city' || f === 'district' ? 'province' : f] = REQUIRED[f]
    })
    return errors
  },

  async onSave() {
    if (this.data.saving) return
    const errors = this.validate()
    if (Object.keys(errors).length) {
      this.setData({ errors })
      ui.toast(Object.values(errors)[0])
      return
    }
    const data = {}
    FIELDS.forEach((f) => { data[f] = String(this.data.form[f]).trim() })
    data.is_default = this.data.form.is_default
    this.setData({ saving: true, errors: {} })
    try {
      if (this.data.id) await addresses.update(this.data.id, data)
      else await addresses.create(data)
      ui.toast('已保存', 'success')
      wx.navigateBack({ delta: 1 })
    } catch (err) {
      // Every field the server refused is marked; city and district sit under the region picker.
      const marks = {}
      Object.entries(err.fields).forEach(([name, text]) => {
        const field = name === 'city' || name === 'district' ? 'province' : name
        if (!(field in marks)) marks[field] = text
      })
      if (Object.keys(marks).length) this.setData({ errors: marks })
      ui.showError(err)
    }
    this.setData({ saving: false })
  },

  onShareAppMessage() {
    return share.home()
  },
})
