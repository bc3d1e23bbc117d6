/**
 * The add-picture tile of 我要投诉 and 申请售后: pictures chosen with wx.chooseMedia are uploaded
 * one by one (wx.uploadFile → POST /uploads/images, a real multipart request with the bearer
 * token), shown as thumbnails, removable, and sent with the form as the URLs the mall serves.
 */
const fs = require('fs')
const path = require('path')
const mp = require('../support/mp')
const h = require('./orders-helpers')
const { makeDistributor } = require('../support/distributor-helpers')
const { SESSION } = require('./me-helpers')

const PNG = fs.readFileSync(path.join(__dirname, '../fixtures/avatar.png'))
const uploads = () => mp.state.requests.filter((r) => r.upload)
const lastToast = () => mp.state.toasts[mp.state.toasts.length - 1]
const SERVED = new RegExp(`^${mp.state.apiBase}/media/uploads/\\d{4}/\\d{2}/[0-9a-f]{32}\\.jpg$`)

function choose(...names) {
  for (const name of names) {
    const filePath = `wxfile://tmp_${name}`
    mp.state.files.set(filePath, name.endsWith('.txt') ? Buffer.from('not a picture\n') : PNG)
    mp.state.chosenMedia.push(filePath)
  }
}

describe('投诉与售后 · 图片', () => {
  test('pictures are uploaded, shown, removed and filed with the complaint', async () => {
    const sellerToken = await makeDistributor('picture-seller-1', '13700002222')
    const { code } = await h.ok('GET', '/distribution/me', undefined, sellerToken)
    const token = await h.shopper('picture-shopper-1')
    const form = await mp.open('pages/complaint/new', { code })
    expect(form.text()).toContain('最多 9 张')

    mp.state.chosenMedia.length = 0
    await form.tap('#add-picture') // the user cancels the picker: nothing happens
    expect(form.data.photos).toEqual([])

    const before = uploads().length
    choose('a.png', 'b.png', 'c.png')
    await form.tap('#add-picture')
    expect(mp.state.mediaRequests.pop()).toEqual({ count: 9, mediaType: ['image'] })
    const sent = uploads().slice(before)
    expect(sent.map((r) => r.statusCode)).toEqual([201, 201, 201])
    expect(sent[0].url).toBe(`${mp.state.apiBase}/api/v1/uploads/images`)
    expect(sent[0].header.Authorization).toBe(`Bearer ${wx.getStorageSync(SESSION).access}`)
    expect(form.data.photos).toHaveLength(3)
    form.data.photos.forEach((url) => expect(url).toMatch(SERVED))
    expect(form.all('.pictures__item')).toHaveLength(3)

    const [first, second, third] = form.data.photos
    await form.tap('#remove-picture-1')
    expect(form.data.photos).toEqual([first, third])
    expect(second).not.toBe(third)

    choose('notes.txt')
    await form.tap('#add-picture')
    expect(uploads().pop().response.code).toBe('UPLOAD_NOT_IMAGE')
    expect(lastToast()).toContain('JPG')
    expect(form.data.photos).toEqual([first, third])
    expect(form.data.uploading).toBe(false)

    await form.trigger('#category', 'change', { value: 'misleading' })
    await form.trigger('#content', 'change', { value: '朋友圈截图里承诺包治百病' })
    await form.tap('#submit')
    const id = Number(/\/pages\/complaint\/detail\?id=(\d+)$/.exec(mp.lastNavigation().url)[1])
    expect(await h.ok('GET', `/complaints/${id}`, undefined, token)).toMatchObject({ photos: [first, third], distributor_code: code })
  })

  test('an after-sale carries its evidence pictures', async () => {
    const token = await h.shopper('picture-shopper-2')
    const addr = await h.address(token)
    const [a] = await h.skus(1)
    const order = await h.paidOrder(token, [{ sku_id: a.id, quantity: 1 }], addr.id)
    const lineId = order.lines[0].id
    const apply = await mp.open('pages/after-sale/apply', { order_id: String(order.id), line_id: String(lineId) })

    choose('broken.png')
    await apply.tap('#add-picture')
    const [photo] = apply.data.photos
    expect(photo).toMatch(SERVED)
    expect(apply.has('#picture-0')).toBe(true)

    await apply.trigger('#reason', 'change', { value: '商品质量问题' })
    await apply.tap('#submit')
    const id = Number(/\/pages\/after-sale\/detail\?id=(\d+)$/.exec(mp.lastNavigation().url)[1])
    expect(await h.ok('GET', `/after-sales/${id}`, undefined, token)).toMatchObject({ photos: [photo] })
  })
})
