/**
 * Referral in every entry: whatever page a distributor shares, to a chat or to 朋友圈, the path
 * carries their code, so the friend who opens it is referred to them. A shopper who is not a
 * distributor shares plain paths.
 */
const fs = require('fs')
const path = require('path')
const mp = require('../support/mp')

const app = JSON.parse(fs.readFileSync(path.join(mp.ROOT, 'app.json'), 'utf8'))
const pages = [...app.pages, ...app.subPackages.flatMap((pkg) => pkg.pages.map((page) => `${pkg.root}/${page}`))]

function sharesOf(route) {
  const page = mp.render(route)
  const instance = page.instance
  expect(typeof instance.onShareAppMessage).toBe('function')
  return {
    message: instance.onShareAppMessage({ from: 'menu' }),
    timeline: typeof instance.onShareTimeline === 'function' ? instance.onShareTimeline() : null,
  }
}

describe('a distributor shares', () => {
  let code

  beforeAll(async () => {
    mp.as('bob') // the seeded top distributor (demo/distribution.py)
    await mp.open('pages/index/index', {}, { entry: true })
    const session = wx.getStorageSync('fenxiao.session')
    const me = await mp.api('GET', '/distribution/me', undefined, `Bearer ${session.access}`)
    code = me.data.code
    expect(me.data.is_distributor).toBe(true)
    expect(session.shareCode).toBe(code)
  })

  test.each(pages)('%s with their code', (route) => {
    const { message, timeline } = sharesOf(route)
    expect(message.path).toMatch(/^\/pages\//)
    expect(message.path).toContain(`ref=${code}`)
    if (timeline) expect(timeline.query).toContain(`ref=${code}`)
  })
})

describe('a shopper who is not a distributor shares', () => {
  beforeAll(async () => {
    mp.as('share-plain-shopper')
    await mp.open('pages/index/index', {}, { entry: true })
  })

  test.each(pages)('%s without a ref', (route) => {
    const { message, timeline } = sharesOf(route)
    expect(message.path).not.toContain('ref=')
    if (timeline) expect(timeline.query).not.toContain('ref=')
  })
})
