/**
 * Operators write banner links as paths of the H5 storefront (`/search/?q=面膜`,
 * `/products/12/`); the mini-program has its own page paths, so each known site path is mapped to
 * the page showing the same thing. A mini-program path (`/pages/...`) passes through.
 */
const SITE_PAGES = [
  [/^\/search\/?$/, () => '/pages/search/index'],
  [/^\/category\/?$/, () => '/pages/category/index'],
  [/^\/products\/(\d+)\/?$/, (m) => `/pages/product/detail?id=${m[1]}`],
  [/^\/seckill\/?$/, () => '/pages/seckill/list'],
  [/^\/group-buy\/?$/, () => '/pages/group-buy/list'],
  [/^\/group-buy\/(\d+)\/?$/, (m) => `/pages/group-buy/activity?id=${m[1]}`],
  [/^\/coupons\/?$/, () => '/pages/coupon/centre'],
  [/^\/cart\/?$/, () => '/pages/cart/index'],
  [/^\/orders\/?$/, () => '/pages/order/list'],
  [/^\/?$/, () => '/pages/index/index'],
]

/** The mini-program url for a banner link, or '' when the mall has no such page. */
function pageForLink(link) {
  if (!link) return ''
  if (link.startsWith('/pages/')) return link
  const [path, search = ''] = link.split('?')
  for (const [pattern, build] of SITE_PAGES) {
    const match = pattern.exec(path)
    if (match) {
      const url = build(match)
      if (!search) return url
      return `${url}${url.includes('?') ? '&' : '?'}${search}`
    }
  }
  return ''
}

/** Parses `a=1&b=%E9%9D%A2` into an object (WeChat hands pages their query already parsed). */
function parseQuery(search) {
  const out = {}
  String(search || '').split('&').filter(Boolean).forEach((part) => {
    const [key, value = ''] = part.split('=')
    out[decodeURIComponent(key)] = decodeURIComponent(value.replace(/\+/g, ' '))
  })
  return out
}

const SECKILL_STATES = { on_sale: '抢购中', upcoming: '即将开始', ended: '已结束', sold_out: '已抢光', paused: '已暂停' }
const GROUP_STATES = { on_sale: '拼团中', upcoming: '即将开始', ended: '已结束', full: '已满团', paused: '已暂停' }

/** What an activity's countdown counts to: the end while it runs, the start before it opens. */
function countdown(activity) {
  const format = require('./format')
  if (activity.state === 'upcoming') return { countdownLabel: '距开始', countdownMs: format.msUntil(activity.starts_at) }
  if (activity.state === 'on_sale') return { countdownLabel: '距结束', countdownMs: format.msUntil(activity.ends_at) }
  return { countdownLabel: '', countdownMs: 0 }
}

const seckillView = (a) => ({ ...a, stateText: SECKILL_STATES[a.state] || a.state, ...countdown(a) })
const groupBuyView = (a) => ({ ...a, stateText: GROUP_STATES[a.state] || a.state, ...countdown(a) })

module.exports = { pageForLink, parseQuery, seckillView, groupBuyView }
