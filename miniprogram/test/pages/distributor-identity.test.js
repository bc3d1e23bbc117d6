const mp = require('../support/mp')
const { makeDistributor, staffToken, userToken } = require('../support/distributor-helpers')

const IDENTITY = 'pages/distributor/centre/identity'
const REQUEST = 'pages/distributor/withdrawal/request'
const STATEMENT = 'pages/distributor/earnings/statement'
// The standard's own example (GB 11643): its check character is X.
const ID_NUMBER = '11010519491231002X'

describe('real name and the yearly income', () => {
  beforeAll(async () => {
    await makeDistributor('dist-identity-1', '13900005551')
    await makeDistributor('dist-identity-2', '13900005552')
  })

  test('the form is checked by the server and answered with masks only', async () => {
    mp.as('dist-identity-1')
    const page = await mp.open(IDENTITY)
    expect(page.text()).toContain('未实名')
    expect(page.text()).toContain('累计提现超过 ¥5000.00 前需完成实名认证')

    await page.input('#real-name', '测试员')
    await page.input('#id-number', '110105194912310021')
    await page.tap('#submit')
    expect(mp.state.toasts.pop()).toBe('身份证号校验位不正确，请核对')
    expect(page.data.fieldError).toBe('id_number')

    await page.input('#id-number', ID_NUMBER.toLowerCase())
    await page.tap('#submit')
    const saved = [...mp.state.requests].reverse().find((r) => r.method === 'PUT' && r.url.endsWith('/distribution/identity'))
    expect(saved.data).toEqual({ real_name: '测试员', id_number: '11010519491231002x' })
    expect(saved.response).toMatchObject({ verified: true, name_masked: '测**', number_masked: '1101**********002X' })
    expect(page.text()).toContain('1101**********002X')
    expect(page.text()).not.toContain(ID_NUMBER)
    expect(page.data.form).toEqual({ real_name: '', id_number: '' })
  })

  test('a withdrawal refused for want of real name offers the form', async () => {
    const staff = await staffToken()
    const saved = (await mp.api('GET', '/admin/distribution/settings', undefined, staff)).data
    await mp.api('PUT', '/admin/distribution/settings', { identity_required_over_fen: 0 }, staff)
    try {
      mp.as('dist-identity-2')
      const page = await mp.open(REQUEST)
      await page.input('#amount', '1')
      await page.tap('#submit')
      expect(mp.state.modals.pop()).toContain('需先完成实名认证')
      expect(mp.lastNavigation()).toEqual({ kind: 'navigateTo', url: '/pages/distributor/centre/identity?next=withdraw' })
    } finally {
      await mp.api('PUT', '/admin/distribution/settings', { identity_required_over_fen: saved.identity_required_over_fen }, staff)
    }
  })

  test('the yearly income shows what the server counted, quarter by quarter', async () => {
    mp.as('bob')
    const token = await userToken('bob')
    const year = new Date().getFullYear()
    const expected = (await mp.api('GET', `/distribution/income-statement?year=${year}`, undefined, token)).data

    const page = await mp.open(STATEMENT)
    expect(page.data.statement.total).toEqual(expected.total)
    expect(page.all('.quarter').length).toBe(4)
    expect(page.text()).toContain(`${year}Q1`)
    expect(page.text()).toContain(`¥${(expected.total.net_fen / 100).toFixed(2)}`)

    await page.tap('#prev-year')
    expect(page.data.year).toBe(year - 1)
    expect(page.data.statement.year).toBe(year - 1)
  })
})
