/**
 * 数据洞察: what sells among my customers and across the shop (with what one unit earns me), when
 * my customers buy and my shares are opened, who my customers are, and my funnel, over the last
 * 7, 30 or 90 days. Every figure is the API's; the page only turns counts into bar lengths.
 */
const distribution = require('../../../services/distribution')
const format = require('../../../utils/format')
const share = require('../../../utils/share')
const { loadInto } = require('../../../utils/loader')

const WEEKDAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日']
const CHANNELS = { link: 'H5 链接', share: '小程序分享', scene: '小程序码', poster: '海报' }

/** Each value with its bar's length in whole percent of the largest (0 when all are 0). */
function bars(labels, values) {
  const top = Math.max(0, ...values)
  return values.map((value, i) => ({ label: labels[i], value, pct: top ? Math.floor((value * 100) / top) : 0 }))
}

/** The busiest hours, busiest first, as "20:00"; none when nothing happened. */
function bestHours(values, count = 3) {
  return values
    .map((value, hour) => ({ value, hour }))
    .filter((h) => h.value > 0)
    .sort((a, b) => b.value - a.value || a.hour - b.hour)
    .slice(0, count)
    .map((h) => `${h.hour}:00`)
    .join('、')
}

function shape(res) {
  const hours = Array.from({ length: 24 }, (_, h) => `${h}`)
  const { when, customers } = res
  const orderDays = bars(WEEKDAYS, when.orders_by_weekday)
  const openDays = bars(WEEKDAYS, when.opens_by_weekday)
  return {
    range: `${res.window.first_day} 至 ${res.window.last_day}`,
    mine: res.products.mine,
    shop: res.products.shop,
    orderHours: bars(hours, when.orders_by_hour),
    openHours: bars(hours, when.opens_by_hour),
    bestOrderHours: bestHours(when.orders_by_hour) || '暂无',
    bestOpenHours: bestHours(when.opens_by_hour) || '暂无',
    weekdays: WEEKDAYS.map((label, i) => ({ label, orders: orderDays[i], opens: openDays[i] })),
    channels: bars(Object.keys(when.opens_by_channel).map((c) => CHANNELS[c] || c), Object.values(when.opens_by_channel)),
    customers,
    repurchase: format.bps(customers.repurchase_bps),
    provinces: bars(customers.provinces.map((p) => p.province), customers.provinces.map((p) => p.orders)),
    funnel: bars(res.funnel.map((s) => s.label), res.funnel.map((s) => s.count)).map((b, i) => ({
      ...b,
      key: res.funnel[i].key,
      rate: res.funnel[i].rate_bps === null ? '' : `转化 ${format.bps(res.funnel[i].rate_bps)}`,
    })),
  }
}

Page({
  data: { days: 30, loading: true, error: '', loaded: false, range: '' },

  onLoad() {
    return this.load()
  },

  onPullDownRefresh() {
    return this.load().finally(() => wx.stopPullDownRefresh())
  },

  async load() {
    const { days } = this.data
    return loadInto(this, async () => {
      const res = await distribution.insights(days)
      if (res.window.days !== this.data.days) return null // a newer switch is on its way
      return shape(res)
    })
  },

  onDays(e) {
    this.setData({ days: Number(e.detail.value) })
    return this.load()
  },

  onRetry() { return this.load() },

  onShareAppMessage() {
    return share.home()
  },
})
