/**
 * 实名认证: the distributor gives real name and resident ID number, which the platform needs before
 * cumulative withdrawals pass its threshold and files each quarter for the tax report. The server
 * answers with masks only (张* / 1101**********1234) and checks the number (GB 11643); its refusal
 * is shown as it words it, next to the field it names. Opened from a refused withdrawal
 * (`?next=withdraw`), it goes back there once saved.
 */
const distribution = require('../../../services/distribution')
const format = require('../../../utils/format')
const ui = require('../../../utils/ui')
const share = require('../../../utils/share')

Page({
  data: {
    loading: true,
    error: '',
    identity: null,
    threshold: '',
    withdrawn: '',
    form: { real_name: '', id_number: '' },
    fieldError: '',
    submitting: false,
    next: '',
  },

  onLoad(query) {
    this.setData({ next: (query && query.next) || '' })
  },

  onShow() {
    return this.load()
  },

  async load() {
    this.setData({ error: '' })
    try {
      const identity = await distribution.identity()
      this.setData({
        loading: false,
        identity,
        threshold: format.yuan(identity.required_over_fen),
        withdrawn: format.yuan(identity.withdrawn_fen),
      })
    } catch (err) {
      this.setData({ loading: false, error: err.message || '加载失败' })
    }
  },

  onRetry() { return this.load() },

  onRealName(e) { this.setData({ 'form.real_name': e.detail.value, fieldError: '' }) },
  onIdNumber(e) { this.setData({ 'form.id_number': e.detail.value, fieldError: '' }) },

  async onSubmit() {
    if (this.data.submitting) return
    const realName = this.data.form.real_name.trim()
    const idNumber = this.data.form.id_number.replace(/\s/g, '')
    if (!realName) {
      this.setData({ fieldError: 'real_name' })
      ui.toast('请填写身份证上的姓名')
      return
    }
    if (idNumber.length !== 18) {
      this.setData({ fieldError: 'id_number' })
      ui.toast('身份证号应为 18 位')
      return
    }
    this.setData({ submitting: true })
    try {
      const identity = await distribution.saveIdentity({ real_name: realName, id_number: idNumber })
      // The number typed is dropped at once: the page keeps only what the server masked.
      this.setData({ identity, form: { real_name: '', id_number: '' } })
      ui.toast('实名认证已完成', 'success')
      if (this.data.next === 'withdraw') wx.navigateBack({ delta: 1 })
    } catch (err) {
      this.setData({ fieldError: err.field || '' })
      ui.showError(err)
    } finally {
      this.setData({ submitting: false })
    }
  },

  onShareAppMessage() {
    return share.home()
  },
})
