/**
 * The withdrawal preview repeats the server's fee rule to the fen: the same worked examples as
 * tests/distribution/test_centre_rules_api.py (`withdrawal_fee` in distribution/withdrawals/requests.py).
 */
const withdrawRules = require('../../utils/withdraw-rules')

const rules = (fee_bps, fee_min_fen, extra = {}) => ({
  min_fen: 100, fee_bps, fee_min_fen, daily_limit_fen: 500000, audit_above_fen: 20000, methods: [], ...extra,
})

describe('the withdrawal fee and what arrives', () => {
  test.each([
    [10000, 0, 0, 0], // 免手续费
    [10000, 60, 0, 60],
    [1999, 60, 10, 11], // 11.994 rounds down
    [1000, 60, 10, 10], // 6 fen by rate, the minimum wins
    [1000, 0, 200, 200], // a flat fee
    [99999999999, 10000, 0, 99999999999], // the largest amount the form takes stays exact
  ])('%i fen at %i bps, at least %i fen: fee %i', (amount, bps, min, fee) => {
    expect(withdrawRules.withdrawalFee(amount, rules(bps, min))).toBe(fee)
  })

  test('the preview flags an amount below the minimum, a fee that eats it all, and review', () => {
    expect(withdrawRules.preview(null, rules(0, 0))).toBe(null)
    expect(withdrawRules.preview(50, rules(0, 0))).toMatchObject({ belowMin: true })
    expect(withdrawRules.preview(150, rules(0, 200))).toMatchObject({ fee: 200, arrival: 0, feeTooHigh: true })
    expect(withdrawRules.preview(20000, rules(0, 0))).toMatchObject({ reviewed: false })
    expect(withdrawRules.preview(20001, rules(0, 0))).toMatchObject({ reviewed: true })
    expect(withdrawRules.preview(10 ** 9, rules(0, 0, { audit_above_fen: null }))).toMatchObject({ reviewed: false })
  })

  test('the rules in words', () => {
    expect(withdrawRules.ruleLines(rules(0, 0))).toEqual(['最低提现 ¥1.00', '免手续费', '每日上限 ¥5000.00', '超过 ¥200.00 需人工审核'])
    expect(withdrawRules.feeText(rules(150, 0))).toBe('手续费 1.5%')
    expect(withdrawRules.feeText(rules(60, 10))).toBe('手续费 0.6%（最低 ¥0.10）')
    expect(withdrawRules.feeText(rules(0, 200))).toBe('手续费 ¥2.00/笔')
    expect(withdrawRules.ruleLines(rules(0, 0, { audit_above_fen: null }))).toHaveLength(3)
  })
})
