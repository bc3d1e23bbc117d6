/**
 * 申请提现: an amount in yuan (whole fen only) to WeChat 零钱 or a bank card. The platform's
 * minimum, daily limit and fee are enforced by the server, whose refusal is shown as it words it,
 * with the amount kept. A WeChat transfer the server has started needs the payee's confirmation in
 * WeChat (confirm_params → wx.requestMerchantTransfer).
 */
const distribution = require('../../../services/distribution')
const format = require('../../../utils/format')
const ui = require('../../../utils/ui')
const share = require('../../../utils/share')
const { confirmTransfer } = require('../../../utils/distributor-transfer')

const LIST = '/pages/distributor/withdrawal/list'

Page({
  data: {
    loading: true,
    error: '',
    available: 0,
    amount: '',
    method: 'wechat',
    methods: [{ value: 'wechat', label: '微信零钱' }, { value: 'bank', label: '银行卡' }],
    bank: { bank_name: '', bank_account_name: '', bank_account_no: '' },
    submitting: false,
  },

  onShow() {
    return this.load()
  },

  async load() {
    this.setData({ error: '' })
    try {
      const me = await distribution.me()
      if (!me.is_distributor) {
        await ui.redirect('/pages/distributor/centre/apply')
        return
      }
      this.setData({ loading: false, available: me.balances.available_fen })
    } catch (err) {
      this.setData({ loading: false, error: err.message || '加载失败' })
    }
  },

  onRetry() { return this.load() },

  onAmount(e) { this.setData({ amount: e.detail.value }) },
  onAll() { this.setData({ amount: format.yuan(Math.max(this.data.available, 0)) }) },
  onMethod(e) { this.setData({ method: e.detail.value }) },
  onBankName(e) { this.setData({ 'bank.bank_name': e.detail.value }) },
  onBankAccountName(e) { this.setData({ 'bank.bank_account_name': e.detail.value }) },
  onBankAccountNo(e) { this.setData({ 'bank.bank_account_no': e.detail.value }) },

  async onSubmit() {
    if (this.data.submitting) return
    const amountFen = format.fenFromYuan(this.data.amount)
    if (!amountFen) {
      ui.toast('请输入正确的提现金额（最多两位小数）')
      return
    }
    const { method, bank } = this.data
    this.setData({ submitting: true })
    try {
      const created = await distribution.withdraw({ amount_fen: amountFen, method, bank })
      if (created.confirm_params) {
        const outcome = await confirmTransfer(created.confirm_params)
        ui.toast(outcome.confirmed ? '已确认收款' : '可稍后在提现记录中确认收款', outcome.confirmed ? 'success' : 'none')
      } else {
        ui.toast(`提现申请已提交（${created.status_label}）`)
      }
      await ui.redirect(LIST)
    } catch (err) {
      ui.showError(err)
    } finally {
      this.setData({ submitting: false })
    }
  },

  onRecords() { ui.navigate(LIST) },

  onShareAppMessage() {
    return share.home()
  },
})
