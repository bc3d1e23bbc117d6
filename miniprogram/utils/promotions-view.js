/**
 * How promotions read to a shopper: coupon values and conditions, activity windows and group
 * states, in the words the pages use. The API sends codes and fen; the wording lives here once.
 */
const format = require('./format')

/** 折 from the discount in basis points off: 1000 bps off → 9折, 1500 → 8.5折. */
function zhe(percentBps) {
  const rate = 10000 - (Number(percentBps) || 0)
  const whole = Math.floor(rate / 1000)
  const rest = String(rate % 1000).padStart(3, '0').replace(/0+$/, '')
  return rest ? `${whole}.${rest}` : String(whole)
}

/** The big figure on a coupon: `{value, unit}` (¥20 off, or 9折). */
function couponValue(t) {
  if (t.kind === 'percent') return { value: zhe(t.percent_bps), unit: '折', prefix: '' }
  return { value: format.yuan(t.amount_fen), unit: '元', prefix: '¥' }
}

function couponThreshold(t) {
  const cap = t.kind === 'percent' && t.cap_fen ? `，最高减${format.yuan(t.cap_fen)}元` : ''
  return `${t.threshold_fen ? `满${format.yuan(t.threshold_fen)}元可用` : '无门槛'}${cap}`
}

/** A template's validity as the centre shows it, before anyone claimed it. */
function templateValidity(t) {
  if (t.valid_days_after_claim) return `领取后${t.valid_days_after_claim}天内有效`
  if (t.valid_from && t.valid_until) return `${format.date(t.valid_from)} 至 ${format.date(t.valid_until)}`
  if (t.valid_until) return `${format.date(t.valid_until)} 前有效`
  return '长期有效'
}

function centreCard(t) {
  return {
    ...t,
    face: couponValue(t),
    thresholdText: couponThreshold(t),
    validityText: templateValidity(t),
    claimed: t.held > 0,
    soldOut: t.remaining <= 0,
  }
}

function myCouponCard(uc) {
  return {
    ...uc,
    face: couponValue(uc.template),
    thresholdText: couponThreshold(uc.template),
    validityText: `${format.date(uc.starts_at)} 至 ${format.date(uc.expires_at)}`,
    usedText: uc.used_at ? `${format.datetime(uc.used_at)} 已使用` : '',
  }
}

const ACTIVITY_STATE = {
  upcoming: '未开始',
  on_sale: '进行中',
  ended: '已结束',
  sold_out: '已抢光',
  full: '已满团',
  paused: '已暂停',
}

/** The window's word and the countdown it needs: to the start before it, to the end during it. */
function activityCard(a, now = Date.now()) {
  const target = a.state === 'upcoming' ? a.starts_at : a.state === 'ended' ? '' : a.ends_at
  const ms = target ? format.msUntil(target, now) : 0
  return {
    ...a,
    stateText: ACTIVITY_STATE[a.state] || a.state,
    countdownMs: ms,
    countdownLabel: a.state === 'upcoming' ? '距开始' : '距结束',
    live: a.state === 'on_sale',
  }
}

/** Sold share in whole percent (t-progress takes 0-100); null when the stock is not known. */
function soldPercent(stock, remaining) {
  if (!stock) return null
  return Math.min(100, Math.max(0, Math.round(((stock - remaining) * 100) / stock)))
}

/** The group's state in three words: 拼团中 (also while the leader pays), 已成团, 未成团. */
function groupStateText(status) {
  if (status === 'succeeded') return '已成团'
  if (status === 'failed' || status === 'abandoned') return '未成团'
  return '拼团中'
}

function groupCard(g, now = Date.now()) {
  const forming = g.status === 'forming' || g.status === 'opening'
  const ms = forming && g.expires_at ? format.msUntil(g.expires_at, now) : 0
  const seats = []
  for (let i = 0; i < g.seats_left; i += 1) seats.push(i)
  return { ...g, stateText: groupStateText(g.status), forming, countdownMs: ms, emptySeats: seats }
}

/** Yuan for share titles and other plain strings. */
const yuanText = (fen) => format.yuan(fen)

module.exports = { yuanText, zhe, couponValue, couponThreshold, templateValidity, centreCard, myCouponCard, activityCard, soldPercent, groupStateText, groupCard, ACTIVITY_STATE }
