/**
 * 申请成为分销商. `/distribution/me` says where the user stands: an application under review or
 * rejected (with the reason), or free to apply; a distributor already is sent to the centre. Its
 * `join` says how one becomes a distributor here: by application and review (the form); at once
 * (everyone: the same form, and the apply answer already carries the new code); or automatically
 * once the paid spend reaches a threshold (the progress, a way to the shop, and the form still,
 * since buying is never the only way in).
 */
const distribution = require('../../../services/distribution')
const format = require('../../../utils/format')
const ui = require('../../../utils/ui')
const subscribe = require('../../../utils/subscribe')
const share = require('../../../utils/share')

const CENTRE = '/pages/distributor/centre/index'
const SHOP = '/pages/index/index'

/** Spend progress toward the threshold in whole percent, full once it is reached. */
function spendProgress(join) {
  if (join.policy !== 'spend' || !join.threshold_fen || join.spent_fen == null) return null
  const spent = Math.max(join.spent_fen, 0)
  return {
    percent: Math.min(100, Math.floor((spent * 100) / join.threshold_fen)),
    threshold: format.yuan(join.threshold_fen),
    spent: format.yuan(spent),
    remaining: format.yuan(Math.max(join.threshold_fen - spent, 0)),
  }
}

Page({
  data: {
    loading: true,
    error: '',
    me: null,
    applicationDate: '',
    spend: null,
    form: { real_name: '', phone: '', reason: '' },
    submitting: false,
    fieldError: '',
  },

  onShow() {
    subscribe.prepare('apply')
    return this.load()
  },

  onPullDownRefresh() {
    return this.load().finally(() => wx.stopPullDownRefresh())
  },

  async load() {
    this.setData({ loading: true, error: '' })
    try {
      const me = await distribution.me()
      if (me.is_distributor) {
        await ui.redirect(CENTRE)
        return
      }
      this.setData({
        me,
        loading: false,
        applicationDate: me.application ? format.datetime(me.application.created_at) : '',
        spend: spendProgress(me.join),
      })
    } catch (err) {
      this.setData({ loading: false, error: err.message || '加载失败' })
    }
  },

  onRealName(e) { this.setData({ 'form.real_name': e.detail.value, fieldError: '' }) },
  onPhone(e) { this.setData({ 'form.phone': e.detail.value, fieldError: '' }) },
  onReason(e) { this.setData({ 'form.reason': e.detail.value }) },

  async onSubmit() {
    if (this.data.submitting) return
    const { real_name: realName, phone, reason } = this.data.form
    if (!realName.trim()) {
      this.setData({ fieldError: 'real_name' })
      ui.toast('请填写真实姓名')
      return
    }
    if (!/^1\d{10}$/.test(phone.trim())) {
      this.setData({ fieldError: 'phone' })
      ui.toast('请填写正确的 11 位手机号')
      return
    }
    subscribe.ask('apply') // first in the tap: WeChat shows its dialog only from one
    this.setData({ submitting: true })
    try {
      const res = await distribution.apply({ real_name: realName.trim(), phone: phone.trim(), reason: reason.trim() })
      if (res.distributor_code) {
        share.rememberCode(res.distributor_code)
        ui.toast('已开通分销资格', 'success')
        await ui.redirect(CENTRE)
        return
      }
      ui.toast('申请已提交，请等待审核', 'success')
      await this.load()
    } catch (err) {
      this.setData({ fieldError: err.field || '' })
      ui.showError(err)
    } finally {
      this.setData({ submitting: false })
    }
  },

  onShop() { return ui.open(SHOP) },

  onRetry() { return this.load() },

  onShareAppMessage() {
    return share.home()
  },
})
