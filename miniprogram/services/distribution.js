/**
 * The distributor's centre: application, balances, network, earnings, withdrawals and tools.
 * Shapes follow /api/openapi.json: lists page with `page`/`page_size` (≤ 50) and answer
 * `{items, count}`; money is integer fen; `withdraw` takes `{amount_fen, method: 'wechat'|'bank',
 * bank?: {bank_name, bank_account_name, bank_account_no}}`.
 */
const { request, query } = require('./request')
const config = require('../config')

const paged = (path) => (params = {}) => request({ path: `${path}${query({ page_size: config.pageSize, ...params })}` })

module.exports = {
  /** Where the caller stands (distributor or not, application, balances), the withdrawal `rules` and how to `join`; never a 403. */
  me: () => request({ path: '/distribution/me' }),
  /** `{real_name, phone, reason}` → `{id, status, status_label, distributor_code}`. */
  apply: ({ real_name, phone, reason = '' }) => request({ path: '/distribution/apply', method: 'POST', data: { real_name, phone, reason } }),
  bind: (code, source = 'link') => request({ path: '/distribution/bind', method: 'POST', data: { code, source } }),
  /** Counts one open of `code`'s share for its owner's insights; `channel`: 'share'|'scene'|'poster'. No login needed. */
  recordOpen: (code, channel = 'share') => request({ path: '/distribution/opens', method: 'POST', data: { code, channel }, auth: false }),
  /** `days`: 7 | 30 | 90 → `{window, products: {mine, shop}, when, customers, funnel}`. */
  insights: (days = 30) => request({ path: `/distribution/insights${query({ days })}` }),
  /** `{level: 1|2, page}` → `{level1_count, level2_count, level, items, count}`. */
  team: paged('/distribution/team'),
  customers: paged('/distribution/customers'),
  /** `{status: 'pending'|'settled'|'cancelled', page}`. */
  orders: paged('/distribution/orders'),
  commissions: paged('/distribution/commissions'),
  /** `{period: 'week'|'month', by: 'commission'|'sales'}`: not paged. */
  rankings: ({ period, by } = {}) => request({ path: `/distribution/rankings${query({ period, by })}` }),
  tier: () => request({ path: '/distribution/tier' }),
  withdrawals: paged('/distribution/withdrawals'),
  /** The detail carries `confirm_params` ({mchId, appId, package}) while the payee may confirm. */
  withdrawal: (id) => request({ path: `/distribution/withdrawals/${id}` }),
  withdraw: ({ amount_fen, method = 'wechat', bank }) => request({
    path: '/distribution/withdrawals',
    method: 'POST',
    data: method === 'bank' ? { amount_fen, method, bank } : { amount_fen, method },
  }),
  /** Masked only: `{verified, id_type_label, name_masked, number_masked, verified_at, required_over_fen, withdrawn_fen}`. */
  identity: () => request({ path: '/distribution/identity' }),
  /** `{real_name, id_number}` (18-digit resident ID) → the masked identity; refusals name the rule. */
  saveIdentity: ({ real_name, id_number }) => request({ path: '/distribution/identity', method: 'PUT', data: { real_name, id_number } }),
  /** `year` (e.g. 2026, default this year) → `{year, quarters: [{quarter, commission_fen, refunds_fen, net_fen, record_count, withdrawals_paid_fen}], total, definition}`. */
  incomeStatement: (year) => request({ path: `/distribution/income-statement${query({ year })}` }),
  share: (productId) => request({ path: `/distribution/share${query({ product_id: productId })}` }),
  shopItems: () => request({ path: '/distribution/shop/items' }),
  addShopItem: (productId) => request({ path: '/distribution/shop/items', method: 'POST', data: { product_id: productId } }),
  reorderShop: (productIds) => request({ path: '/distribution/shop/items/order', method: 'PUT', data: { product_ids: productIds } }),
  removeShopItem: (productId) => request({ path: `/distribution/shop/items/${productId}`, method: 'DELETE' }),
  publicShop: (code) => request({ path: `/distribution/shops/${encodeURIComponent(code)}`, auth: false }),
  /** `{category, kind: 'article'|'images'|'copy', page}` → `{items, count, categories}`. */
  materials: paged('/content/materials'),
  material: (id) => request({ path: `/content/materials/${id}` }),
  materialCopied: (id) => request({ path: `/content/materials/${id}/copied`, method: 'POST' }),
}
