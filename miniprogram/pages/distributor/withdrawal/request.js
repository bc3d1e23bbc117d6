/**
 * 申请提现: an amount in yuan (whole fen only) to WeChat 零钱 or a bank card. The platform's rules
 * (`me.rules`: minimum, fee, daily limit, review threshold, methods) are shown before the
 * distributor types, with the fee and what will arrive for the typed amount; an amount below the
 * minimum is refused here, naming the rule. The server still enforces every rule (the daily limit,
 * the balance): its refusal is shown as it words it, with the amount kept. A WeChat transfer the
 * server has started needs the payee's confirmation in WeChat (confirm_params →
 * wx.requestMerchantTransfer). Past the platform's real-name threshold the server refuses with
 * WITHDRAW_IDENTITY_REQUIRED: the page offers the real-name form, which comes back here.
 */
const distribution = require('../../../services/distribution')
const format = require('../../../utils/format')
const ui = require('../../../utils/ui')
const subscribe = require('../../../utils/subscribe')
const share = require('../../../utils/share')
const { confirmTransfer } = require('../../../utils/distributor-transfer')
const withdrawRules = require('../../../utils/withdraw-rules')

const LIST = '/pages/distributor/withdrawal/list'
const IDENTITY = '/pages/distributor/centre/identity?next=withdraw'

Page({
  data: {
    loading: true,
    error: '',
    available: 0,
    amount: '',
    method: 'wechat',
    methods: [],
    rules: null,
    ruleLines: [],
    preview: null,
    bank: { bank_name: '', bank_account_name: '', bank_account_no: '' },
    submitting: false,
  },

  onShow() {
    subscribe.prepare('withdraw')
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
      const { rules } = me
      const offered = rules.methods.map((m) => m.value)
      this.setData({
        loading: false,
        available: me.balances.available_fen,
        rules,
        ruleLines: withdrawRules.ruleLines(rules),
        methods: rules.methods,
        method: offered.includes(this.data.method) ? this.data.method : offered[0],
      })
      this.setAmount(this.data.amount)
    } catch (err) {
      this.setData({ loading: false, error: err.message || '加载失败' })
    }
  },

  onRetry() { return this.load() },

  setAmount(amount) {
    this.setData({ amount, preview: withdrawRules.preview(format.fenFromYuan(amount), this.data.rules) })
  },

  onAmount(e) { this.setAmount(e.detail.value) },
  onAll() { this.setAmount(format.yuan(Math.max(this.data.available, 0))) },
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
    const { rules } = this.data
    if (rules && amountFen < rules.min_fen) {
      ui.toast(withdrawRules.belowMinMessage(rules))
      return
    }
    const { method, bank } = this.data
    subscribe.ask('withdraw') // first in the tap: WeChat shows its dialog only from one
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
      if (err.code === 'WITHDRAW_IDENTITY_REQUIRED') {
        // Real name is due before this much leaves: offer the form, then come back here.
        if (await ui.confirm({ title: '需要实名认证', content: err.message, confirmText: '去认证' })) await ui.navigate(IDENTITY)
        return
      }
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
