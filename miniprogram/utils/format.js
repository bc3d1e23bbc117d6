/**
 * Money arrives as integer fen and is shown as yuan with two decimals; the arithmetic stays in
 * integers so ¥0.07 never becomes 0.06999. Times arrive in ISO 8601 and are shown in China time.
 */
function yuan(fen) {
  const value = Number(fen) || 0
  const sign = value < 0 ? '-' : ''
  const abs = Math.abs(Math.trunc(value))
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** 元 typed by a person → fen, or null when it is not a money amount with at most two decimals. */
function fenFromYuan(text) {
  const match = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(String(text))
  if (!match) return null
  return Number(match[1]) * 100 + Number((match[2] || '').padEnd(2, '0'))
}

const pad = (n) => String(n).padStart(2, '0')
const CHINA_OFFSET_MS = 8 * 3600 * 1000

function chinaParts(iso) {
  const t = new Date(iso).getTime()
  if (Number.isNaN(t)) return null
  const d = new Date(t + CHINA_OFFSET_MS)
  return { y: d.getUTCFullYear(), m: pad(d.getUTCMonth() + 1), d: pad(d.getUTCDate()), h: pad(d.getUTCHours()), min: pad(d.getUTCMinutes()) }
}

function datetime(iso) {
  const p = iso && chinaParts(iso)
  return p ? `${p.y}-${p.m}-${p.d} ${p.h}:${p.min}` : ''
}

function date(iso) {
  const p = iso && chinaParts(iso)
  return p ? `${p.y}-${p.m}-${p.d}` : ''
}

/** Milliseconds from now until `iso`, never negative; the t-count-down takes it as `time`. */
function msUntil(iso, now = Date.now()) {
  const t = new Date(iso).getTime()
  return Number.isNaN(t) ? 0 : Math.max(0, t - now)
}

function maskPhone(phone) {
  return phone ? String(phone).replace(/^(\d{3})\d{4}(\d{4})$/, '$1****$2') : ''
}

function bps(rate) {
  const value = Number(rate) || 0
  return `${Math.floor(value / 100)}${value % 100 ? `.${String(value % 100).padStart(2, '0').replace(/0$/, '')}` : ''}%`
}

module.exports = { yuan, fenFromYuan, datetime, date, msUntil, maskPhone, bps }
