const mp = require('../support/mp')
const { makeDistributor } = require('../support/distributor-helpers')

describe('the distributor\'s tools', () => {
  let token

  beforeAll(async () => {
    token = await makeDistributor('dist-tools-1', '13900004444')
  })

  beforeEach(() => mp.as('dist-tools-1'))

  test('the share page saves my code after the album is authorised, and explains a refusal', async () => {
    mp.state.albumAuthorized = undefined
    mp.state.albumAuthorizeAnswer = false
    const page = await mp.open('pages/distributor/tools/share')
    const { asset } = page.data
    expect(asset.code_url).toMatch(/^http.*\.png$/)
    expect(page.text()).toContain(`推广码 ${asset.code}`)
    expect(page.text()).toContain(`/pages/index/index?ref=${asset.code}`)

    await page.tap('#save-code')
    expect(mp.state.album).toEqual([])
    expect(mp.state.toasts.pop()).toBe('未获得相册权限，海报未保存')

    // Refused once: only the settings page can grant it; the user agrees to go there.
    mp.state.albumAuthorizeAnswer = true
    mp.state.modalAnswer = true
    await page.tap('#save-code')
    expect(mp.state.modals.pop()).toContain('允许访问相册')
    expect(mp.state.album).toEqual([`wxfile://tmp/${encodeURIComponent(asset.code_url)}`])
    expect(mp.state.toasts.pop()).toBe('已保存到相册')

    expect(page.share().path).toBe(`/pages/index/index?ref=${asset.code}`)
  })

  test('a product poster is made for the chosen product and saved', async () => {
    mp.state.albumAuthorized = true
    const page = await mp.open('pages/distributor/tools/share')
    const product = page.data.products[0]
    await page.tap(`#product-${product.id}`)
    expect(page.data.poster.url).toMatch(/\/posters\/.+\.png$/)
    expect(page.data.poster.path).toBe(`pages/product/detail?id=${product.id}&ref=${page.data.asset.code}`)
    await page.tap('#save-poster')
    expect(mp.state.album[mp.state.album.length - 1]).toBe(`wxfile://tmp/${encodeURIComponent(page.data.poster.url)}`)
    expect(page.share('button').path).toBe(`/pages/product/detail?id=${product.id}&ref=${page.data.asset.code}`)
  })

  test('shop items are added, reordered and removed, and the server keeps each change', async () => {
    const stored = async () => (await mp.api('GET', '/distribution/shop/items', undefined, token)).data.items.map((i) => i.product_id)
    mp.state.modalAnswer = true
    const page = await mp.open('pages/distributor/tools/shop')
    expect(page.data.items).toEqual([])

    await page.tap('#open-picker')
    const [a, b, c] = page.data.products.slice(0, 3).map((p) => p.id)
    await page.tap(`#add-${a}`)
    await page.tap(`#add-${b}`)
    await page.tap(`#add-${c}`)
    expect(await stored()).toEqual([a, b, c])
    expect(page.has(`#add-${a}`)).toBe(false)
    await page.tap('#open-picker')

    await page.tap(`#down-${a}`)
    expect(page.data.items.map((i) => i.product_id)).toEqual([b, a, c])
    await page.tap(`#up-${c}`)
    expect(await stored()).toEqual([b, c, a])

    await page.tap(`#remove-${c}`)
    expect(mp.state.modals.pop()).toContain('移出小店')
    expect(await stored()).toEqual([b, a])
    expect(page.data.items.map((i) => i.product_id)).toEqual([b, a])

    const again = await mp.open('pages/distributor/tools/shop')
    expect(again.data.items.map((i) => i.product_id)).toEqual([b, a])
    await again.tap('#preview')
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: `/pages/shop/index?code=${again.data.code}` })
    expect(again.share('button').path).toBe(`/pages/shop/index?code=${again.data.code}&ref=${again.data.code}`)
  })

  test('copying a material puts its text on the clipboard and the server counts it', async () => {
    const page = await mp.open('pages/distributor/tools/materials')
    expect(page.data.categories.length).toBeGreaterThan(0)
    const material = page.data.items.find((m) => m.copy_text)
    const before = (await mp.api('GET', `/content/materials/${material.id}`, undefined, token)).data.copy_count

    await page.tap(`#copy-${material.id}`)
    expect(mp.state.clipboard).toBe(material.copy_text)
    expect(mp.state.toasts.pop()).toBe('文案已复制')
    const after = (await mp.api('GET', `/content/materials/${material.id}`, undefined, token)).data.copy_count
    expect(after).toBe(before + 1)
    expect(page.data.items.find((m) => m.id === material.id).copy_count).toBe(after)

    const category = page.data.categories[page.data.categories.length - 1]
    await page.trigger('#category-tabs', 'change', { value: category.id })
    expect(page.data.items.every((m) => m.category.id === category.id)).toBe(true)
    expect(mp.state.requests[mp.state.requests.length - 1].url).toContain(`category=${category.id}`)
  })

  test('material images are saved to the album', async () => {
    mp.state.albumAuthorized = true
    const page = await mp.open('pages/distributor/tools/materials')
    const withImages = page.data.items.find((m) => m.images.length)
    if (!withImages) throw new Error('the demo materials have no images')
    await page.tap(`#save-${withImages.id}-0`)
    expect(mp.state.album[mp.state.album.length - 1]).toBe(`wxfile://tmp/${encodeURIComponent(withImages.images[0].url)}`)
  })
})
