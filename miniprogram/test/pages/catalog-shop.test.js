/** A distributor's public shop: the picked products, taps to detail, shares keeping the shop code. */
const mp = require('../support/mp')

const token = () => `Bearer ${wx.getStorageSync('fenxiao.session').access}`

describe('distributor shop', () => {
  let code
  let picked

  beforeAll(async () => {
    // One route per file: miniprogram-simulate cannot re-register components for a second route
    // under jest (its require.cache trick does not reach jest's registry), so bob logs in here.
    mp.as('bob')
    await mp.open('pages/shop/index', {}, { entry: true })
    const me = await mp.api('GET', '/distribution/me', undefined, token())
    expect(me.data.status).toBe('active')
    code = me.data.code
    const list = (await mp.api('GET', '/products?page_size=3&sort=sales')).data.items
    picked = list.slice(0, 2)
    for (const p of picked) {
      const res = await mp.api('POST', '/distribution/shop/items', { product_id: p.id }, token())
      expect([200, 201]).toContain(res.statusCode)
    }
  })

  test('the owner shares the shop with its code and his ref', async () => {
    const page = await mp.open('pages/shop/index', { code })
    expect(page.share().path).toBe(`/pages/shop/index?code=${code}&ref=${code}`)
    expect(page.shareTimeline().query).toBe(`code=${code}&ref=${code}`)
  })

  test('a shopper sees the owner\'s masked name and picked products, and opens one', async () => {
    mp.as('cat-shop-visitor-1')
    const page = await mp.open('pages/shop/index', { code, ref: code }, { entry: true })
    const shop = (await mp.api('GET', `/distribution/shops/${code}`)).data
    expect(page.text()).toContain(`${shop.owner_name}的小店`)
    expect(shop.owner_name).not.toBe('阿博爸爸')
    for (const p of picked) expect(page.text()).toContain(p.title)
    expect(page.data.items.map((i) => i.product_id).sort()).toEqual(picked.map((p) => p.id).sort())
    // The tile's own bindtap (inside the component) is what a finger reaches.
    page.component.querySelector(`#product-${picked[0].id}`).querySelector('.product-card').dispatchEvent('tap')
    await page.settle()
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: `/pages/product/detail?id=${picked[0].id}` })
    expect(page.share()).toEqual({ title: `${shop.owner_name}的小店`, path: `/pages/shop/index?code=${code}` })
  })

  test('an unknown shop shows the server\'s message', async () => {
    const page = await mp.open('pages/shop/index', { code: 'NOPE404' })
    const res = await mp.api('GET', '/distribution/shops/NOPE404')
    expect(res.statusCode).toBe(404)
    expect(page.text()).toContain(res.data.message)
  })
})
