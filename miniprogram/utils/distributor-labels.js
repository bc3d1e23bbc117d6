/** Display fields the distributor pages add to API rows (WXML cannot call utils/format). */
const format = require('./format')

const LEVELS = ['', '一级', '二级', '三级']

function level(n) {
  return LEVELS[n] || `${n}级`
}

/** A tier's paid rates as "一级 10% · 二级 5%"; levels the platform does not pay arrive as 0. */
function rates(ratesBps) {
  return (ratesBps || [])
    .map((bps, index) => (bps > 0 ? `${level(index + 1)} ${format.bps(bps)}` : ''))
    .filter(Boolean)
    .join(' · ')
}

module.exports = { level, rates }
