/** The category tab: the side bar switches the product list to that category's products. */
const mp = require('../support/mp')

const get = async (path) => {
  const res = await mp.api('GET', path)
  expect(res.statusCode).toBe(200)
  return res.data
}
const ids = (rows) => rows.map((p) => p.id)

describe('category tab', () => {
  beforeAll(() => mp.as('cat-category-1'))

  test('lists the first category, and a switch shows the other category\'s products', async () => {
    const categories = await get('/categories')
    const [first, second] = categories
    const page = await mp.open('pages/category/index')
    const text = page.text()
    for (const c of categories) expect(text).toContain(c.name)
    const firstProducts = await get(`/products?category=${first.id}&page_size=10`)
    expect(ids(page.data.items)).toEqual(ids(firstProducts.items))

    await page.trigger('#side-bar', 'change', { value: second.id, label: second.name })
    const secondProducts = await get(`/products?category=${second.id}&page_size=10`)
    expect(secondProducts.items.length).toBeGreaterThan(0)
    expect(ids(page.data.items)).toEqual(ids(secondProducts.items))
    expect(page.data.items.every((p) => p.category_id === second.id || (second.children || []).some((c) => c.id === p.category_id))).toBe(true)
    expect(page.text()).toContain(secondProducts.items[0].title)
    expect(page.data.topId).toBe(second.id)
  })

  test('takes the category the home page chose through storage, child categories filter further', async () => {
    const categories = await get('/categories')
    const withChildren = categories[categories.length - 1]
    expect(withChildren.children.length).toBeGreaterThan(0)
    wx.setStorageSync('fenxiao.categoryTab', withChildren.id)
    const page = await mp.open('pages/category/index')
    expect(page.data.topId).toBe(withChildren.id)
    expect(wx.getStorageSync('fenxiao.categoryTab')).toBe('')
    const expected = await get(`/products?category=${withChildren.id}&page_size=10`)
    expect(ids(page.data.items)).toEqual(ids(expected.items))
    const child = withChildren.children.find((c) => expected.items.some((p) => p.category_id === c.id))
    await page.tap(`#child-${child.id}`)
    const childProducts = await get(`/products?category=${child.id}&page_size=10`)
    expect(childProducts.items.length).toBeGreaterThan(0)
    expect(ids(page.data.items)).toEqual(ids(childProducts.items))
    expect(page.data.items.every((p) => p.category_id === child.id)).toBe(true)
    await page.tap('#child-all')
    expect(ids(page.data.items)).toEqual(ids(expected.items))
  })
})
