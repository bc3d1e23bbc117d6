/**
 * 投诉与建议: from 我的 to the list, filing about a distributor's code (refusals shown on the
 * page), about an order from its page, and reading the operator's reply and outcome.
 */
const mp = require('../support/mp')
const h = require('./orders-helpers')
const { makeDistributor } = require('../support/distributor-helpers')

describe('投诉与建议', () => {
  test('file about a distributor from 我的, then read the operator’s reply and outcome', async () => {
    const sellerToken = await makeDistributor('complaint-seller-1', '13700001111')
    const seller = await h.ok('GET', '/distribution/me', undefined, sellerToken)
    const { code } = seller
    const token = await h.shopper('complaint-shopper-1')

    const me = await mp.open('pages/me/index')
    await me.trigger('#menu-complaints', 'click')
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: '/pages/complaint/list' })
    const list = await mp.open('pages/complaint/list')
    expect(list.text()).toContain('暂无投诉记录')
    await list.tap('#new')
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: '/pages/complaint/new' })

    const form = await mp.open('pages/complaint/new')
    expect(form.text()).toContain('拉人头/收取入门费')
    const posts = () => mp.state.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/complaints')).length
    const before = posts()
    await form.tap('#submit')
    expect(form.text()).toContain('请选择投诉类型')
    await form.trigger('#category', 'change', { value: 'recruiting' })
    await form.trigger('#content', 'change', { value: '要求先买 999 元的货才能做分销' })
    await form.tap('#submit')
    expect(form.text()).toContain('请填写被投诉分销商的推广码')
    expect(posts()).toBe(before)

    await form.trigger('#code', 'change', { value: 'NOSUCHCODE' })
    await form.tap('#submit')
    expect(form.text()).toContain('推广码无效')

    await form.trigger('#code', 'change', { value: code })
    await form.tap('#submit')
    const nav = mp.lastNavigation()
    expect(nav.kind).toBe('redirectTo')
    const id = Number(/\/pages\/complaint\/detail\?id=(\d+)$/.exec(nav.url)[1])
    const saved = await h.ok('GET', `/complaints/${id}`, undefined, token)
    expect(saved).toMatchObject({ category: 'recruiting', distributor_code: code, status: 'open' })

    const admin = await h.staff()
    await h.ok('POST', `/admin/complaints/${id}/reply`, { content: '已收到，正在核实' }, admin)
    await h.ok('POST', `/admin/complaints/${id}/resolve`, { outcome: 'resolved', resolution: '已暂停该分销商的推广资格' }, admin)

    const detail = await mp.open('pages/complaint/detail', { id: String(id) })
    expect(detail.text()).toContain('已解决')
    expect(detail.text()).toContain('已收到，正在核实')
    expect(detail.text()).toContain('已暂停该分销商的推广资格')

    await list.call('onShow')
    expect(list.data.items.map((c) => c.id)).toEqual([id])
    await list.tap(`#complaint-${id}`)
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: `/pages/complaint/detail?id=${id}` })
  })

  test('an order’s page opens the form for that order; another shopper cannot read it', async () => {
    const token = await h.shopper('complaint-shopper-2')
    const addr = await h.address(token)
    const [a] = await h.skus(1)
    const order = await h.paidOrder(token, [{ sku_id: a.id, quantity: 1 }], addr.id)

    const page = await mp.open('pages/order/detail', { id: String(order.id) })
    await page.tap('#complain')
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: `/pages/complaint/new?order_id=${order.id}&order_no=${order.order_no}` })

    const form = await mp.open('pages/complaint/new', { order_id: String(order.id), order_no: order.order_no })
    expect(form.text()).toContain(order.order_no)
    await form.trigger('#category', 'change', { value: 'product' })
    await form.trigger('#content', 'change', { value: '收到的商品有破损' })
    await form.tap('#submit')
    const id = Number(/id=(\d+)$/.exec(mp.lastNavigation().url)[1])
    expect(await h.ok('GET', `/complaints/${id}`, undefined, token)).toMatchObject({ order_id: order.id, order_no: order.order_no })

    await h.shopper('complaint-shopper-3')
    const theirs = await mp.open('pages/complaint/detail', { id: String(id) })
    expect(theirs.text()).toContain('投诉不存在')
  })
})
