const mp = require('../support/mp')
const h = require('./orders-helpers')

describe('cart', () => {
  test('quantities, selection and deletion follow the server, the total is the selected items', async () => {
    const token = await h.shopper('orders-cart-1')
    const [a, b] = await h.skus(2)
    await h.ok('POST', '/cart/items', { sku_id: a.id, quantity: 1 }, token)
    await h.ok('POST', '/cart/items', { sku_id: b.id, quantity: 2 }, token)

    const page = await mp.open('pages/cart/index')
    expect(page.text()).toContain(a.title)
    expect(page.text()).toContain(b.title)
    const [itemA, itemB] = [a, b].map((s) => page.data.items.find((i) => i.sku_id === s.id))
    expect(page.data.summary.selected_goods_fen).toBe(a.price_fen + 2 * b.price_fen)

    await page.trigger(`#qty-${itemA.id}`, 'change', { value: 3 })
    let cart = await h.ok('GET', '/cart/items', undefined, token)
    expect(cart.items.find((i) => i.id === itemA.id).quantity).toBe(3)
    expect(page.data.summary.selected_goods_fen).toBe(3 * a.price_fen + 2 * b.price_fen)

    await page.tap(`#toggle-${itemB.id}`)
    expect(page.data.summary.selected_goods_fen).toBe(3 * a.price_fen)
    expect(page.text()).toContain(`合计：¥${(3 * a.price_fen / 100).toFixed(2)}`)
    expect(page.data.summary.all_selected).toBe(false)

    await page.tap('#toggle-all')
    expect(page.data.summary.selected_goods_fen).toBe(3 * a.price_fen + 2 * b.price_fen)

    await page.tap('#checkout')
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: '/pages/checkout/index?from_cart=1' })

    mp.state.modalAnswer = false
    await page.tap(`#remove-${itemB.id}`)
    expect(page.data.items).toHaveLength(2)
    mp.state.modalAnswer = true
    await page.tap(`#remove-${itemB.id}`)
    cart = await h.ok('GET', '/cart/items', undefined, token)
    expect(cart.items.map((i) => i.id)).toEqual([itemA.id])
    expect(page.text()).not.toContain(b.title)

    await page.tap('#remove-selected')
    expect(page.text()).toContain('购物车还是空的')
    expect((await h.ok('GET', '/cart/items', undefined, token)).items).toHaveLength(0)
    await page.tap('#go-home')
    expect(mp.lastNavigation()).toEqual({ kind: 'switchTab', url: '/pages/index/index' })
  })

  test('nothing selected: checkout is disabled; pull-down refresh reloads', async () => {
    const token = await h.shopper('orders-cart-2')
    const [a] = await h.skus(1)
    await h.ok('POST', '/cart/items', { sku_id: a.id, quantity: 1, selected: false }, token)
    const page = await mp.open('pages/cart/index')
    expect(page.data.summary.selected_count).toBe(0)
    expect(page.component.querySelector('#checkout').data.disabled).toBe(true)
    await h.ok('POST', '/cart/items/select', { item_ids: null, selected: true }, token)
    await page.pullDown()
    expect(page.data.summary.selected_goods_fen).toBe(a.price_fen)
  })
})
