/** Search: keyword, sort by price, a price range in 元, and the messages when the range is wrong. */
const mp = require('../support/mp')

const productRequests = () => mp.state.requests.filter((r) => /\/api\/v1\/products\?/.test(r.url))
const skuPrices = async (id) => (await mp.api('GET', `/products/${id}`)).data.skus.map((s) => s.price_fen)

describe('search', () => {
  beforeAll(() => mp.as('cat-search-1'))

  test('sorts by price ascending and pages on reachBottom', async () => {
    const page = await mp.open('pages/search/index')
    await page.trigger('#sort', 'change', { value: 'price', label: '价格↑' })
    const first = page.data.items.map((p) => p.price_fen)
    expect(first.length).toBe(10)
    expect(first).toEqual([...first].sort((a, b) => a - b))
    expect(productRequests().pop().url).toContain('sort=price')
    await page.reachBottom()
    const all = page.data.items.map((p) => p.price_fen)
    expect(all.length).toBeGreaterThan(10)
    expect(all).toEqual([...all].sort((a, b) => a - b))
    await page.trigger('#sort', 'change', { value: 'price_desc', label: '价格↓' })
    const desc = page.data.items.map((p) => p.price_fen)
    expect(desc).toEqual([...desc].sort((a, b) => b - a))
  })

  test('filters a price range in 元: every result has a SKU inside it', async () => {
    const page = await mp.open('pages/search/index')
    await page.trigger('#min-price', 'input', { value: '50' })
    await page.trigger('#max-price', 'input', { value: '100.5' })
    await page.tap('#apply-range')
    const url = productRequests().pop().url
    expect(url).toContain('min_price_fen=5000')
    expect(url).toContain('max_price_fen=10050')
    expect(page.data.items.length).toBeGreaterThan(0)
    for (const item of page.data.items) {
      const prices = await skuPrices(item.id)
      expect(prices.some((p) => p >= 5000 && p <= 10050)).toBe(true)
    }
    expect(page.text()).toContain(page.data.items[0].title)
  })

  test('an inverted or malformed range shows a message and sends nothing', async () => {
    const page = await mp.open('pages/search/index')
    const before = productRequests().length
    await page.trigger('#min-price', 'input', { value: '200' })
    await page.trigger('#max-price', 'input', { value: '100' })
    await page.tap('#apply-range')
    expect(page.text()).toContain('最低价不能高于最高价')
    expect(mp.state.toasts.pop()).toBe('最低价不能高于最高价')
    await page.trigger('#min-price', 'input', { value: '1.234' })
    await page.tap('#apply-range')
    expect(page.text()).toContain('请输入正确的价格')
    expect(productRequests().length).toBe(before)
    expect(page.data.minText).toBe('1.234')
  })

  test('a keyword from the query, an empty result, and the server\'s refusal shown', async () => {
    const page = await mp.open('pages/search/index', { q: '保温壶' })
    expect(productRequests().pop().url).toContain(`q=${encodeURIComponent('保温壶')}`)
    expect(page.data.items.length).toBeGreaterThan(0)
    expect(page.data.items.every((p) => p.title.includes('保温壶'))).toBe(true)

    await page.input('#keyword', '没有这种商品xyz')
    await page.trigger('#keyword', 'submit', { value: '没有这种商品xyz' })
    expect(page.data.items).toEqual([])
    expect(page.text()).toContain('没有找到相关商品')

    const long = '很'.repeat(51)
    await page.trigger('#keyword', 'submit', { value: long })
    const refused = productRequests().pop()
    expect(refused.statusCode).toBeGreaterThanOrEqual(400)
    expect(page.data.error).toBe(refused.response.message)
    expect(page.text()).toContain(refused.response.message)
    expect(page.data.q).toBe(long)
  })

  test('a banner\'s site query presets sort and price range in 元', async () => {
    const page = await mp.open('pages/search/index', { max_price: '100', sort: 'sales' })
    const url = productRequests().pop().url
    expect(url).toContain('sort=sales')
    expect(url).toContain('max_price_fen=10000')
    expect(page.data.maxText).toBe('100')
    const sales = page.data.items.map((p) => p.sales_count)
    expect(sales).toEqual([...sales].sort((a, b) => b - a))
  })

  test('shares the search with its keyword', async () => {
    const page = await mp.open('pages/search/index', { q: '面膜' })
    expect(page.share().path).toBe(`/pages/search/index?q=${encodeURIComponent('面膜')}`)
  })
})
