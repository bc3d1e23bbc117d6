/**
 * 领券中心 and 我的优惠券 against the live server: a claim shows 已领取 and lands under 可用; a claim
 * the server refuses (the per-shopper limit, the last coupon gone) shows the server's message.
 */
const mp = require('../support/mp')
const { ok, staffToken, shopperToken, minutesFromNow } = require('../support/promotions')

async function template(fields) {
  return ok('POST', '/admin/coupon-templates', {
    kind: 'fixed', amount_fen: 1500, threshold_fen: 8800, valid_days_after_claim: 7, total_quantity: 100, per_user_limit: 1, ...fields,
  }, await staffToken())
}

describe('coupon centre', () => {
  test('claiming shows 已领取 and the coupon is under 可用 in my coupons', async () => {
    const t = await template({ name: '测试满88减15' })
    mp.as('promo-coupon-1')
    const centre = await mp.open('pages/coupon/centre')
    expect(centre.text()).toContain('测试满88减15')
    expect(centre.text()).toContain('满88.00元可用')
    expect(centre.text()).toContain('领取后7天内有效')
    await centre.tap(`#claim-${t.id}`)
    expect(mp.state.toasts).toContain('领取成功')
    expect(centre.component.querySelector(`#action-${t.id}`).dom.textContent.trim()).toBe('已领取')

    const mine = await mp.open('pages/coupon/mine')
    expect(mine.data.status).toBe('unused')
    const held = mine.data.items.find((c) => c.template.id === t.id)
    expect(held).toBeTruthy()
    expect(mine.component.querySelector(`#coupon-${held.id}`).dom.textContent).toContain('去使用')
    await mine.tap(`#coupon-${held.id} .use`)
    expect(mp.lastNavigation()).toEqual({ kind: 'switchTab', url: '/pages/index/index' })

    await mine.trigger('#tabs', 'change', { value: 'used' })
    expect(mine.data.status).toBe('used')
    expect(mine.data.items.find((c) => c.template.id === t.id)).toBeUndefined()
    expect(mine.text()).toContain('暂无已使用的优惠券')
  })

  test('a claim over the limit or after the last coupon shows the server message', async () => {
    const limited = await template({ name: '限领一张券' })
    const last = await template({ name: '仅剩一张券', total_quantity: 1, valid_days_after_claim: null, valid_from: minutesFromNow(-5), valid_until: minutesFromNow(60 * 24 * 3) })
    mp.as('promo-coupon-2')
    // Two screens of the centre open at once: the second still offers 领取 after the first claimed.
    const first = await mp.open('pages/coupon/centre')
    const stale = await mp.open('pages/coupon/centre')
    await first.tap(`#claim-${limited.id}`)
    await stale.tap(`#claim-${limited.id}`)
    expect(mp.state.toasts[mp.state.toasts.length - 1]).toBe('您已达到该优惠券的领取上限')
    expect(stale.component.querySelector(`#action-${limited.id}`).dom.textContent.trim()).toBe('已领取')

    const mine = await ok('GET', '/coupons/mine?status=unused', undefined, await shopperToken('promo-coupon-2'))
    expect(mine.filter((c) => c.template.id === limited.id)).toHaveLength(1)

    mp.as('promo-coupon-3')
    const late = await mp.open('pages/coupon/centre')
    expect(late.text()).toContain('剩余 1 张')
    // Meanwhile another shopper takes the last one.
    await ok('POST', '/coupons', { template_id: last.id }, await shopperToken('promo-coupon-4'))
    await late.tap(`#claim-${last.id}`)
    expect(mp.state.toasts[mp.state.toasts.length - 1]).toBe('优惠券已被领完')
    expect(late.component.querySelector(`#action-${last.id}`).dom.textContent.trim()).toBe('已领完')
  })

  test('pulling down shows a coupon the operator published since', async () => {
    mp.as('promo-coupon-5')
    const centre = await mp.open('pages/coupon/centre')
    const fresh = await template({ name: '刚上新的券' })
    expect(centre.text()).not.toContain('刚上新的券')
    const stopped = mp.state.pullDownStopped
    await centre.pullDown()
    expect(centre.has(`#coupon-${fresh.id}`)).toBe(true)
    expect(mp.state.pullDownStopped).toBe(stopped + 1)
  })
})
