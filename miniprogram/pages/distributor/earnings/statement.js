/**
 * 年度收入: the distributor's income of a year by quarter, the same figures the platform files in
 * its quarterly tax report (commission booked, refunds and clawbacks, net, records, paid
 * withdrawals), with the server's definition of which quarter an amount belongs to. Only shows
 * what `/distribution/income-statement` answered.
 */
const distribution = require('../../../services/distribution')
const ui = require('../../../utils/ui')
const share = require('../../../utils/share')

Page({
  data: { loading: true, error: '', year: 0, statement: null },

  onLoad(query) {
    const year = parseInt((query && query.year) || '', 10)
    this.setData({ year: year || new Date().getFullYear() })
  },

  onShow() {
    return this.load()
  },

  async load() {
    this.setData({ error: '' })
    try {
      const statement = await distribution.incomeStatement(this.data.year)
      this.setData({ loading: false, statement, year: statement.year })
    } catch (err) {
      this.setData({ loading: false, error: err.message || '加载失败' })
      if (err.status === 403) ui.showError(err)
    }
  },

  onRetry() { return this.load() },

  onPrevYear() {
    this.setData({ year: this.data.year - 1, loading: true })
    return this.load()
  },

  onNextYear() {
    this.setData({ year: this.data.year + 1, loading: true })
    return this.load()
  },

  onShareAppMessage() {
    return share.home()
  },
})
