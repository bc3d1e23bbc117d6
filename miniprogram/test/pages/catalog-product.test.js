/**
 * The product page: SKU picker bounded by stock, add to cart (checked on the server), buy now's
 * hand-over to checkout, activity prices, share paths with and without a distributor code, the
 * poster, and an unknown product.
 */
const mp = require('../support/mp')
const { makeDistributor } = require('../support/distributor-helpers')

const token = () => `Bearer ${wx.getStorageSync('fenxiao.session').access}`
const findProduct = async (title) => {
  const list = (await mp.api('GET', `/products?q=${encodeURIComponent(title)}`)).data.items
  return (await mp.api('GET', `/products/${list[0].id}`)).data
}
const valueIndex = (product, name, value) => product.specs.find((s) => s.name === name).values.indexOf(value)
const specIndex = (product, name) => product.specs.findIndex((s) => s.name === name)
const tapSpec = (page, product, name, value) => page.tap(`#spec-${specIndex(product, name)}-${valueIndex(product, name, value)}`)

describe('product detail as a shopper', () => {
  beforeAll(() => mp.as('cat-product-1'))

  test('picks a SKU, bounds the quantity by its stock, adds it to the cart', async () => {
    const product = await findProduct('真空保温壶')
    const low = product.skus.find((s) => s.stock > 0 && s.stock < 10)
    const empty = product.skus.find((s) => s.stock === 0 && s.specs['颜色'] === low.specs['颜色'])
    const page = await mp.open('pages/product/detail', { id: String(product.id) })
    expect(page.text()).toContain(product.title)
    expect(page.text()).toContain(`已售 ${product.sales_count}`)

    await page.tap('#add-cart')
    expect(page.data.picker).toBe(true)
    await page.tap('#confirm')
    expect(mp.state.toasts.pop()).toBe('请选择规格')

    await tapSpec(page, product, '颜色', low.specs['颜色'])
    const sizeRow = page.data.specRows[specIndex(product, '规格')]
    const off = sizeRow.values.find((v) => v.value === empty.specs['规格'])
    expect(off.disabled).toBe(true)
    expect(page.text()).toContain(`${empty.specs['规格']}（缺货）`)
    await tapSpec(page, product, '规格', empty.specs['规格'])
    expect(page.data.sku).toBe(null)

    await tapSpec(page, product, '规格', low.specs['规格'])
    expect(page.data.sku.id).toBe(low.id)
    expect(page.text()).toContain(`库存 ${low.stock} 件`)
    expect(page.component.querySelector('#quantity').instance.data.max).toBe(low.stock)
    await page.trigger('#quantity', 'change', { value: low.stock + 4 })
    expect(page.data.quantity).toBe(low.stock)
    await page.trigger('#quantity', 'change', { value: 0 })
    expect(page.data.quantity).toBe(1)
    await page.trigger('#quantity', 'change', { value: low.stock })

    await page.tap('#confirm')
    expect(mp.state.toasts.pop()).toBe('已加入购物车')
    expect(page.data.picker).toBe(false)
    const cart = await mp.api('GET', '/cart/items', undefined, token())
    expect(cart.statusCode).toBe(200)
    const line = cart.data.items.find((i) => i.sku_id === low.id)
    expect(line.quantity).toBe(low.stock)
  })

  test('buy now hands the chosen SKU and quantity to checkout', async () => {
    const product = await findProduct('积雪草')
    const sku = product.skus.find((s) => s.stock > 2)
    const page = await mp.open('pages/product/detail', { id: String(product.id) })
    await page.tap('#buy-now')
    expect(page.data.mode).toBe('buy')
    await tapSpec(page, product, '规格', sku.specs['规格'])
    await page.trigger('#quantity', 'change', { value: 2 })
    await page.tap('#confirm')
    const lines = JSON.stringify([{ sku_id: sku.id, quantity: 2 }])
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: `/pages/checkout/index?lines=${encodeURIComponent(lines)}` })
  })

  test('shows the seckill and group-buy the product takes part in, with links', async () => {
    // Other files add activities to the same server: look for this product's own ones.
    const seckillProduct = await findProduct('积雪草')
    const seckills = (await mp.api('GET', '/seckill', undefined, token())).data
    const mine = seckills.filter((a) => seckillProduct.skus.some((s) => s.id === a.sku_id)).map((a) => a.id)
    expect(mine.length).toBeGreaterThan(0)
    const page = await mp.open('pages/product/detail', { id: String(seckillProduct.id) })
    expect(mine).toContain(page.data.seckill.id)
    expect(page.text()).toContain('秒杀')
    await page.tap('#seckill')
    expect(mp.lastNavigation().url).toBe(`/pages/seckill/detail?id=${page.data.seckill.id}`)

    const group = (await mp.api('GET', '/group-buy', undefined, token())).data[0]
    const groupPage = await mp.open('pages/product/detail', { id: String(group.product_id) })
    const shown = (await mp.api('GET', '/group-buy', undefined, token())).data.find((a) => a.id === groupPage.data.groupBuy.id)
    expect(shown.product_id).toBe(group.product_id)
    expect(groupPage.text()).toContain(`${shown.group_size}人团`)
    await groupPage.tap('#group-buy')
    expect(mp.lastNavigation().url).toBe(`/pages/group-buy/activity?id=${shown.id}`)
    expect(groupPage.has('#poster')).toBe(false)
  })

  test('a plain shopper shares the product without ref', async () => {
    const product = await findProduct('积雪草')
    const page = await mp.open('pages/product/detail', { id: String(product.id) })
    expect(page.share()).toEqual({ title: product.title, path: `/pages/product/detail?id=${product.id}`, imageUrl: product.images[0] })
    expect(page.shareTimeline().query).toBe(`id=${product.id}`)
  })

  test('an unknown or off-shelf product shows the server\'s message and a way home', async () => {
    const page = await mp.open('pages/product/detail', { id: '999999' })
    const res = await mp.api('GET', '/products/999999')
    expect(res.statusCode).toBe(404)
    expect(page.text()).toContain(res.data.message)
    await page.tap('#go-home')
    expect(mp.lastNavigation()).toEqual({ kind: 'switchTab', url: '/pages/index/index' })

    const staff = await mp.api('POST', '/auth/staff-login', { username: 'admin', password: 'fenxiao-demo' })
    const auth = `Bearer ${staff.data.access}`
    const shelved = await findProduct('收纳盒')
    expect((await mp.api('POST', `/admin/products/${shelved.id}/off-shelf`, {}, auth)).statusCode).toBe(200)
    try {
      const off = await mp.open('pages/product/detail', { id: String(shelved.id) })
      const gone = await mp.api('GET', `/products/${shelved.id}`)
      expect(gone.statusCode).toBe(404)
      expect(off.text()).toContain(gone.data.message)
      expect(off.has('#add-cart')).toBe(false)
    } finally {
      await mp.api('POST', `/admin/products/${shelved.id}/on-shelf`, {}, auth)
    }
  })
})

describe('product detail as a distributor', () => {
  let code
  let product

  beforeAll(async () => {
    // A distributor of this file's own: the seeded applicant alice stays pending for the 我的 tests.
    await makeDistributor('cat-product-dist', '13700002222')
    mp.as('cat-product-dist')
    product = await findProduct('保温杯')
  })

  test('shares with their code as ref, on the chat share and the timeline', async () => {
    const page = await mp.open('pages/product/detail', { id: String(product.id) }, { entry: true })
    const me = await mp.api('GET', '/distribution/me', undefined, token())
    code = me.data.code
    expect(me.data.status).toBe('active')
    expect(page.share().path).toBe(`/pages/product/detail?id=${product.id}&ref=${code}`)
    expect(page.shareTimeline().query).toBe(`id=${product.id}&ref=${code}`)
  })

  test('a refused album permission saves nothing and says why; allowed, the poster is saved', async () => {
    const page = await mp.open('pages/product/detail', { id: String(product.id) })
    expect(page.has('#poster')).toBe(true)
    await page.trigger('#poster', 'click')
    expect(page.data.posterVisible).toBe(true)
    expect(page.data.poster).toMatch(/^https?:\/\//)
    const share = mp.state.requests.filter((r) => r.url.includes('/distribution/share?product_id=')).pop()
    expect(share.response.poster_url).toBe(page.data.poster)

    mp.state.albumAuthorizeAnswer = false
    mp.state.albumAuthorized = undefined
    await page.tap('#save-poster')
    expect(mp.state.album).toEqual([])
    expect(mp.state.toasts.pop()).toBe('未获得相册权限，海报未保存')

    mp.state.albumAuthorizeAnswer = true
    mp.state.albumAuthorized = undefined
    await page.tap('#save-poster')
    expect(mp.state.album).toHaveLength(1)
    expect(mp.state.album[0]).toContain(encodeURIComponent(page.data.poster))
    expect(mp.state.toasts.pop()).toBe('已保存到相册')
    expect(page.data.posterVisible).toBe(false)
  })
})
