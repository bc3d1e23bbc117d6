/**
 * 消息中心: an operator's reply to a complaint lands in the shopper's messages; 我的 shows the
 * unread count (and its tab badge); tapping a message reads it and opens its page; 全部已读.
 * Without templates configured by the operator, no consent dialog is shown at a withdrawal.
 */
const mp = require('../support/mp')
const h = require('./orders-helpers')

describe('消息中心', () => {
  test('a reply arrives, 我的 counts it, opening reads it and goes to the complaint', async () => {
    const token = await h.shopper('messages-shopper-1')
    const addr = await h.address(token)
    const [a] = await h.skus(1)
    const order = await h.paidOrder(token, [{ sku_id: a.id, quantity: 1 }], addr.id)
    const complaint = await h.ok('POST', '/complaints', { category: 'product', content: '包装破损', order_id: order.id }, token)
    const admin = await h.staff()
    await h.ok('POST', `/admin/complaints/${complaint.id}/reply`, { content: '已安排补发' }, admin)
    await h.ok('POST', `/admin/complaints/${complaint.id}/resolve`, { outcome: 'resolved', resolution: '已补发新品' }, admin)

    const me = await mp.open('pages/me/index')
    expect(me.data.unread).toBe(2)
    expect(me.text()).toContain('2 条未读')
    await me.trigger('#menu-messages', 'click')
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: '/pages/messages/index' })

    const page = await mp.open('pages/messages/index')
    expect(page.data.unread).toBe(2)
    expect(page.data.items.map((m) => m.title)).toEqual(['投诉有新进展', '投诉有新进展'])
    expect(page.text()).toContain('已补发新品')
    const [newest] = page.data.items
    await page.tap(`#message-${newest.id}`)
    expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: `/pages/complaint/detail?id=${complaint.id}` })
    expect(page.data.unread).toBe(1)
    expect((await h.ok('GET', '/notifications/unread-count', undefined, token)).unread_count).toBe(1)

    await page.tap('#read-all')
    expect(page.data.unread).toBe(0)
    expect(page.text()).toContain('没有未读消息')
    expect((await h.ok('GET', '/notifications', undefined, token)).unread_count).toBe(0)
  })

  test('at a withdrawal the operator\'s templates are asked first and the acceptance is reported', async () => {
    // The operator configures the withdrawal templates (removed again below: other files expect none).
    const configure = [
      'from fenxiao.notifications.models import NotificationTemplate as T',
      "T.objects.create(kind='withdrawal_paid', template_id='tmpl-paid', fields={'amount1': '{amount}'})",
      "T.objects.create(kind='withdrawal_failed', template_id='tmpl-failed', fields={'thing1': '{reason}'})",
    ].join('; ')
    mp.fenxiao('shell', '-c', configure)
    try {
      mp.as('bob')
      const page = await mp.open('pages/distributor/withdrawal/request')
      await page.input('#amount', '1.20')
      await page.tap('#submit')
      expect(mp.state.subscribeAsks.pop()).toEqual(['tmpl-paid', 'tmpl-failed'])
      await mp.settle()
      const reported = [...mp.state.requests].reverse().find((r) => r.url.endsWith('/notifications/subscriptions'))
      expect(reported.data).toEqual({ results: { 'tmpl-paid': 'accept', 'tmpl-failed': 'accept' } })
      expect(reported.response.items).toEqual([
        { template_id: 'tmpl-failed', remaining: 1 },
        { template_id: 'tmpl-paid', remaining: 1 },
      ])
    } finally {
      mp.fenxiao('shell', '-c', "from fenxiao.notifications.models import NotificationTemplate as T; T.objects.filter(template_id__startswith='tmpl-').delete()")
    }
  })

  test('no template configured: paying asks for no consent', async () => {
    const templates = await h.ok('GET', '/notifications/templates?scene=pay')
    expect(templates.template_ids).toEqual([])
    const subscribe = require('../../utils/subscribe')
    await subscribe.prepare('pay')
    expect(await subscribe.ask('pay')).toBeNull()
    expect(mp.state.subscribeAsks).toEqual([])
  })
})
