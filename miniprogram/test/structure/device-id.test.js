/**
 * Every API call carries the same `X-Device-Id`, kept in storage: the server records it with
 * orders and bindings for risk control, so it must be stable across calls and launches.
 */
const { request } = require('../../services/request')
const { KEY } = require('../../services/device')
const mp = require('../support/mp')

describe('the request helper', () => {
  beforeEach(() => {
    mp.state.storage.delete(KEY)
    mp.state.requests.length = 0
  })

  test('sends one stable device id with every call', async () => {
    await request({ path: '/health', auth: false })
    await request({ path: '/health', auth: false })
    const sent = mp.state.requests.map((r) => r.header['X-Device-Id'])
    expect(sent).toHaveLength(2)
    expect(sent[0]).toMatch(/^[0-9a-f]{32}$/)
    expect(sent[1]).toBe(sent[0])
    expect(wx.getStorageSync(KEY)).toBe(sent[0])
  })

  test('keeps the stored id across launches and replaces a broken one', async () => {
    wx.setStorageSync(KEY, 'abcdefabcdefabcdefabcdefabcdef12')
    await request({ path: '/health', auth: false })
    expect(mp.state.requests[0].header['X-Device-Id']).toBe('abcdefabcdefabcdefabcdefabcdef12')
    wx.setStorageSync(KEY, 'not an id')
    await request({ path: '/health', auth: false })
    expect(mp.state.requests[1].header['X-Device-Id']).toMatch(/^[0-9a-f]{32}$/)
  })
})
