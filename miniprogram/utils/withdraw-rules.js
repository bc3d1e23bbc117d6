/**
 * The platform's withdrawal rules as `/distribution/me` states them (`rules`), in words, and a
 * preview of what a typed amount costs and brings. The server charges the fee and has the final
 * word; the preview repeats its rule (`withdrawal_fee` in distribution/withdrawals/requests.py, the
 * same worked examples in tests/distribution/test_centre_rules_api.py and
 * test/pages/distributor-rules.test.js) so the distributor sees what will arrive before asking,
 * not after.
 */
const format = require('./format')

const BPS_WHOLE = 10000

/**
 * Fee in fen: the rate rounded down, never below the minimum fee; nothing when both are 0. In
 * integers only (an amount below 10^11 fen times a rate up to 10^4 stays exact).
 */
function withdrawalFee(amountFen, { fee_bps: feeBps, fee_min_fen: feeMinFen }) {
  if (feeBps <= 0 && feeMinFen <= 0) return 0
  const product = amountFen * feeBps
  return Math.max((product - (product % BPS_WHOLE)) / BPS_WHOLE, feeMinFen)
}

function feeText({ fee_bps: feeBps, fee_min_fen: feeMinFen }) {
  if (feeBps <= 0 && feeMinFen <= 0) return '免手续费'
  if (feeBps <= 0) return `手续费 ¥${format.yuan(feeMinFen)}/笔`
  return `手续费 ${format.bps(feeBps)}${feeMinFen > 0 ? `（最低 ¥${format.yuan(feeMinFen)}）` : ''}`
}

/** The rules as the page lists them, one line each. */
function ruleLines(rules) {
  const lines = [
    `最低提现 ¥${format.yuan(rules.min_fen)}`,
    feeText(rules),
    `每日上限 ¥${format.yuan(rules.daily_limit_fen)}`,
  ]
  if (rules.audit_above_fen != null) lines.push(`超过 ¥${format.yuan(rules.audit_above_fen)} 需人工审核`)
  return lines
}

/** What `amountFen` costs and brings under `rules`; null when nothing valid is typed. */
function preview(amountFen, rules) {
  if (!amountFen || !rules) return null
  const fee = withdrawalFee(amountFen, rules)
  return {
    fee,
    arrival: Math.max(amountFen - fee, 0),
    belowMin: amountFen < rules.min_fen,
    feeTooHigh: fee >= amountFen,
    reviewed: rules.audit_above_fen != null && amountFen > rules.audit_above_fen,
  }
}

/** The refusal shown without asking the server, naming the rule. */
function belowMinMessage(rules) {
  return `单笔最低提现 ¥${format.yuan(rules.min_fen)}，请提高提现金额`
}

module.exports = { withdrawalFee, feeText, ruleLines, preview, belowMinMessage }
