/**
 * 账号与资料's avatar: WeChat's chooseAvatar button gives a file on the phone, which the page
 * uploads (wx.uploadFile → POST /auth/avatar, a real multipart request) and the mall then serves.
 */
const fs = require('fs')
const path = require('path')
const mp = require('../support/mp')
const { fetchRaw } = require('../support/wx-double')
const { SESSION, ok } = require('./me-helpers')

const PNG = fs.readFileSync(path.join(__dirname, '../fixtures/avatar.png'))
const uploads = () => mp.state.requests.filter((r) => r.upload)
const lastToast = () => mp.state.toasts[mp.state.toasts.length - 1]

async function choose(page, filePath, bytes) {
  if (bytes) mp.state.files.set(filePath, bytes)
  await page.trigger('#avatar', 'chooseavatar', { avatarUrl: filePath })
}

describe('账号与资料 · 头像', () => {
  test('a chosen avatar is uploaded, shown, and served by the mall as an image', async () => {
    mp.as('me-avatar-ok')
    const page = await mp.open('pages/login/index')
    await page.trigger('#nickname', 'input', { value: '头像测试' })

    await choose(page, 'wxfile://tmp_me_avatar_ok.png', PNG)

    const sent = uploads().pop()
    expect(sent.statusCode).toBe(200)
    expect(sent.header.Authorization).toBe(`Bearer ${wx.getStorageSync(SESSION).access}`)
    const me = await ok('GET', '/auth/me')
    expect(me.avatar_url).toMatch(new RegExp(`^${mp.state.apiBase}/media/avatars/[0-9a-f]+\\.jpg$`))
    expect([page.data.avatarUrl, page.data.user.avatar_url]).toEqual([me.avatar_url, me.avatar_url])
    expect(lastToast()).toBe('头像已更新')
    expect(page.has('#avatar-error')).toBe(false)

    const served = await fetchRaw(me.avatar_url)
    expect(served.statusCode).toBe(200)
    expect(served.headers['content-type']).toBe('image/jpeg')
    expect([...served.body.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff])

    // The nickname typed before is still there and 保存资料 saves it alone.
    expect([page.data.nickname, page.data.dirty]).toEqual(['头像测试', true])
    await page.tap('#save')
    const patch = mp.state.requests.filter((r) => r.method === 'PATCH').pop()
    expect(patch.data).toEqual({ nickname: '头像测试' })
    expect(await ok('GET', '/auth/me')).toMatchObject({ nickname: '头像测试', avatar_url: me.avatar_url })
  })

  test('a file that is not a picture shows the server’s message and keeps the old avatar', async () => {
    mp.as('me-avatar-bad')
    const page = await mp.open('pages/login/index')
    await choose(page, 'wxfile://tmp_me_avatar_first.png', PNG)
    const old = (await ok('GET', '/auth/me')).avatar_url
    expect(old).toContain('/media/avatars/')

    await choose(page, 'wxfile://tmp_notes.txt', Buffer.from('this is not a picture\n'))

    const refused = uploads().pop()
    expect([refused.statusCode, refused.response.code]).toEqual([400, 'AVATAR_INVALID'])
    expect(lastToast()).toBe(refused.response.message)
    expect(page.component.querySelector('#avatar-error').dom.textContent).toBe(refused.response.message)
    expect([page.data.avatarUrl, page.data.user.avatar_url, page.data.uploading]).toEqual([old, old, false])
    expect((await ok('GET', '/auth/me')).avatar_url).toBe(old)
    expect((await fetchRaw(old)).statusCode).toBe(200)

    // The next good picture clears the message.
    await choose(page, 'wxfile://tmp_me_avatar_second.png', PNG)
    expect(page.has('#avatar-error')).toBe(false)
    expect(page.data.avatarUrl).not.toBe(old)
  })

  test('an expired token is renewed once and the upload goes through', async () => {
    mp.as('me-avatar-renew')
    const page = await mp.open('pages/login/index')
    wx.setStorageSync(SESSION, { ...wx.getStorageSync(SESSION), access: 'expired' })
    const before = uploads().length

    await choose(page, 'wxfile://tmp_me_avatar_renew.png', PNG)

    expect(uploads().slice(before).map((r) => r.statusCode)).toEqual([401, 200])
    expect(mp.state.requests.filter((r) => r.url.endsWith('/auth/refresh')).pop().statusCode).toBe(200)
    expect((await ok('GET', '/auth/me')).avatar_url).toBe(page.data.avatarUrl)
  })

  test('a file WeChat cannot read is reported and nothing changes', async () => {
    mp.as('me-avatar-gone')
    const page = await mp.open('pages/login/index')
    const old = page.data.avatarUrl

    await choose(page, 'wxfile://tmp_me_avatar_gone.png')

    expect(lastToast()).toBe('上传失败，请检查网络后重试')
    expect(page.data.avatarUrl).toBe(old)
    expect((await ok('GET', '/auth/me')).avatar_url).toBe(old)
  })
})
