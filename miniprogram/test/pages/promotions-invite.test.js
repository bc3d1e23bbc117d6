/**
 * 邀请有礼 against the live server: my code, the rules and an empty friends list; copying the
 * code; the share carries the code (and a distributor's ref); a new user who enters through the
 * shared home page is accepted and appears in the inviter's list.
 */
const mp = require('../support/mp')
const { ok, shopperToken } = require('../support/promotions')

describe('invite', () => {
  test('a new user entering with the invite is listed among the inviter\'s friends', async () => {
    mp.as('promo-invite-a')
    const page = await mp.open('pages/invite/index')
    const code = page.data.me.code
    expect(code).toMatch(/^[0-9A-Za-z]+$/)
    expect(page.text()).toContain(code)
    expect(page.text()).toContain('活动规则')
    expect(page.text()).toContain('还没有邀请好友，快去分享吧')
    await page.tap('#copy')
    expect(mp.state.clipboard).toBe(code)
    expect(mp.state.toasts).toContain('邀请码已复制')
    const shared = page.share()
    expect(shared.path).toBe(`/pages/index/index?invite=${code}`)

    mp.as('promo-invite-b')
    await mp.open('pages/index/index', { invite: code }, { entry: true })
    const accepted = mp.state.requests.find((r) => r.method === 'POST' && r.url.endsWith('/invites/accept'))
    expect(accepted.data).toEqual({ code })

    mp.as('promo-invite-a')
    const again = await mp.open('pages/invite/index')
    expect(again.data.items).toHaveLength(1)
    expect(again.data.me.summary.invited).toBe(1)
    expect(again.component.querySelector('#invitee-0').dom.textContent).toContain('接受邀请')
    expect(again.text()).not.toContain('还没有邀请好友')
    const server = await ok('GET', '/invites/me/invitees', undefined, await shopperToken('promo-invite-a'))
    expect(server.count).toBe(1)
    expect(server.items[0].name).toBe(again.data.items[0].name)
  })

  test('a distributor\'s invite share carries both the invite code and the ref', async () => {
    mp.as('bob') // the demo's active distributor
    const page = await mp.open('pages/invite/index')
    const { path } = page.share()
    expect(path).toMatch(new RegExp(`^/pages/index/index\\?invite=${page.data.me.code}&ref=[0-9A-Za-z_-]+$`))
  })
})
