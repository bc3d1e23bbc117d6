/** The home page against the seeded demo mall: banners, shortcuts, activities, paged products. */
const mp = require('../support/mp')

const get = async (path) => {
  const res = await mp.api('GET', path)
  expect(res.statusCode).toBe(200)
  return res.data
}

describe('home', () => {
  beforeAll(() => mp.as('cat-home-1'))

  test('shows the seeded banners, categories, seckill and group-buy entries', async () => {
    const banners = await get('/content/banners')
    const categories = await get('/categories')
    const page = await mp.open('pages/index/index')
    const text = page.text()
    expect(banners.length).toBeGreaterThanOrEqual(2)
    for (const b of banners) expect(text).toContain(b.title)
    expect(text).toContain(categories[0].name)
    expect(page.data.seckills.length).toBeGreaterThan(0)
    expect(page.data.groupBuys.length).toBeGreaterThan(0)
    const seckill = page.data.seckills[0]
    expect(text).toContain(seckill.name)
    expect(text).toContain('限时秒杀')
    expect(text).toContain('拼团')
    expect(page.has(`#seckill-countdown-${seckill.id}`)).toBe(true)
    expect(text).toMatch(/距(结束|开始)/)
    expect(seckill.countdownMs).toBeGreaterThan(0)

    await page.tap(`#seckill-${seckill.id}`)
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: `/pages/seckill/detail?id=${seckill.id}` })
    await page.tap(`#group-buy-${page.data.groupBuys[0].id}`)
    expect(mp.lastNavigation().url).toBe(`/pages/group-buy/activity?id=${page.data.groupBuys[0].id}`)
    await page.tap('#seckill-more')
    expect(mp.lastNavigation().url).toBe('/pages/seckill/list')
    await page.tap('#group-buy-more')
    expect(mp.lastNavigation().url).toBe('/pages/group-buy/list')
    await page.tap('#coupons')
    expect(mp.lastNavigation().url).toBe('/pages/coupon/centre')
    await page.tap('#invite')
    expect(mp.lastNavigation().url).toBe('/pages/invite/index')
    await page.tap('#search')
    expect(mp.lastNavigation().url).toBe('/pages/search/index')
  })

  test('a banner opens its page and a category shortcut switches to the category tab with it', async () => {
    const page = await mp.open('pages/index/index')
    const banner = page.data.banners.find((b) => b.link.startsWith('/search/'))
    await page.tap(`#banner-${page.data.banners.indexOf(banner)}`)
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: `/pages/search/index?${banner.link.split('?')[1]}` })

    // With pictures on every banner the page uses t-swiper; its click carries the slide index.
    page.instance.setData({ bannerImages: page.data.banners.map(() => 'https://example.com/b.png'), allPictures: true })
    expect(page.has('#banner-swiper')).toBe(true)
    await page.trigger('#banner-swiper', 'click', { index: page.data.banners.indexOf(banner) })
    expect(mp.lastNavigation().url).toBe(`/pages/search/index?${banner.link.split('?')[1]}`)

    const category = page.data.categories[1]
    await page.tap(`#category-${category.id}`)
    expect(mp.lastNavigation()).toEqual({ kind: 'switchTab', url: '/pages/category/index' })
    expect(wx.getStorageSync('fenxiao.categoryTab')).toBe(category.id)
  })

  test('pages the recommended products on reachBottom and reloads on pull-down', async () => {
    const first = await get('/products?sort=default&page_size=10&page=1')
    const second = await get('/products?sort=default&page_size=10&page=2')
    const page = await mp.open('pages/index/index')
    expect(page.data.items.map((p) => p.id)).toEqual(first.items.map((p) => p.id))
    expect(page.text()).toContain(first.items[0].title)
    await page.reachBottom()
    expect(page.data.items.map((p) => p.id)).toEqual([...first.items, ...second.items].map((p) => p.id))
    expect(page.text()).toContain(second.items[0].title)
    page.component.querySelector(`#product-${second.items[0].id}`).querySelector('.product-card').dispatchEvent('tap')
    await page.settle()
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: `/pages/product/detail?id=${second.items[0].id}` })

    const stopped = mp.state.pullDownStopped
    const before = mp.state.requests.length
    await page.pullDown()
    const urls = mp.state.requests.slice(before).map((r) => r.url)
    expect(urls.some((u) => u.includes('/content/banners'))).toBe(true)
    expect(urls.some((u) => /\/products\?.*page=1/.test(u))).toBe(true)
    expect(page.data.items.map((p) => p.id)).toEqual(first.items.map((p) => p.id))
    expect(mp.state.pullDownStopped).toBeGreaterThan(stopped)
  })

  test('shares the home page', async () => {
    const page = await mp.open('pages/index/index')
    expect(page.share()).toEqual({ title: '分销商城', path: '/pages/index/index' })
    expect(page.shareTimeline()).toEqual({ title: '分销商城', query: '' })
  })
})
