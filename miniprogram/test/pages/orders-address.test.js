const mp = require('../support/mp')
const h = require('./orders-helpers')

describe('address book', () => {
  test('list, set default, delete with confirm, import from WeChat with the server judging it', async () => {
    const token = await h.shopper('orders-addr-1')
    const first = await h.address(token, { receiver: '张一' })
    const second = await h.address(token, { receiver: '王二', is_default: false })

    const page = await mp.open('pages/address/list')
    expect(page.text()).toContain('张一')
    expect(page.text()).toContain('王二')
    expect(page.data.items.find((a) => a.id === first.id).is_default).toBe(true)

    await page.tap(`#default-${second.id}`)
    const saved = await h.ok('GET', '/addresses', undefined, token)
    expect(saved.find((a) => a.id === second.id).is_default).toBe(true)
    expect(saved.find((a) => a.id === first.id).is_default).toBe(false)

    await page.tap(`#edit-${first.id}`)
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: `/pages/address/edit?id=${first.id}` })
    await page.tap('#add')
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: '/pages/address/edit' })

    mp.state.modalAnswer = false
    await page.tap(`#remove-${first.id}`)
    expect((await h.ok('GET', '/addresses', undefined, token))).toHaveLength(2)
    mp.state.modalAnswer = true
    await page.tap(`#remove-${first.id}`)
    expect((await h.ok('GET', '/addresses', undefined, token)).map((a) => a.id)).toEqual([second.id])
    expect(page.text()).not.toContain('张一')

    const chosen = mp.state.chosenAddress
    mp.state.chosenAddress = { ...chosen, telNumber: '020-1234' }
    await page.tap('#import')
    mp.state.chosenAddress = chosen
    const refused = mp.state.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/addresses')).pop()
    expect(refused.statusCode).toBeGreaterThanOrEqual(400)
    expect(mp.state.toasts[mp.state.toasts.length - 1]).toBe(refused.response.message)
    await page.tap('#import')
    expect(page.text()).toContain('林小满')
    expect(await h.ok('GET', '/addresses', undefined, token)).toHaveLength(2)

    const picker = await mp.open('pages/address/list', { select: '1' })
    await picker.tap(`#pick-${second.id}`)
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateBack', delta: 1 })
    expect(wx.getStorageSync('fenxiao.pickedAddress').id).toBe(second.id)
  })

  test('edit: required checks, then the server rejects the phone next to the field and nothing typed is lost', async () => {
    const token = await h.shopper('orders-addr-2')
    const page = await mp.open('pages/address/edit')
    const count = () => mp.state.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/addresses')).length
    const start = count()
    const posts = () => count() - start
    await page.tap('#save')
    expect(posts()).toBe(0)
    expect(page.text()).toContain('请填写收货人')

    await page.input('#receiver', '赵三')
    await page.input('#phone', '12345')
    await page.trigger('#region', 'change', { value: ['广东省', '深圳市', '南山区'] })
    await page.input('#detail', '科技园 8 栋')
    await page.tap('#save')
    expect(posts()).toBe(1)
    const refused = mp.state.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/addresses')).pop()
    expect(refused.statusCode).toBeGreaterThanOrEqual(400)
    // The field shows the server's own reason for it; the toast had the whole message.
    const reason = refused.response.errors.find((e) => e.field === 'phone').message
    expect(page.data.errors.phone).toBe(reason)
    expect(page.text()).toContain(reason)
    expect(mp.state.toasts).toContain(refused.response.message)
    expect(page.data.form).toMatchObject({ receiver: '赵三', phone: '12345', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 8 栋' })
    expect(await h.ok('GET', '/addresses', undefined, token)).toHaveLength(0)

    await page.input('#phone', '13700001111')
    await page.trigger('#default', 'change', { value: true })
    await page.tap('#save')
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateBack', delta: 1 })
    const [saved] = await h.ok('GET', '/addresses', undefined, token)
    expect(saved).toMatchObject({ receiver: '赵三', phone: '13700001111', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 8 栋', is_default: true })

    const edit = await mp.open('pages/address/edit', { id: String(saved.id) })
    expect(edit.data.form.receiver).toBe('赵三')
    await edit.input('#detail', '科技园 9 栋')
    await edit.tap('#save')
    expect((await h.ok('GET', `/addresses/${saved.id}`, undefined, token)).detail).toBe('科技园 9 栋')
  })
})
