/**
 * Operator steps the distributor journeys need, done through the real admin API: a staff token,
 * and a fresh user made a distributor by applying and being approved.
 */
const mp = require('./mp')

async function staffToken() {
  const res = await mp.api('POST', '/auth/staff-login', { username: 'admin', password: 'fenxiao-demo' })
  if (res.statusCode !== 200) throw new Error(`staff login failed: ${JSON.stringify(res.data)}`)
  return `Bearer ${res.data.access}`
}

async function userToken(identity) {
  const res = await mp.api('POST', '/auth/wechat-login', { code: `sandbox-${identity}` })
  if (res.statusCode !== 200) throw new Error(`login failed: ${JSON.stringify(res.data)}`)
  return `Bearer ${res.data.access}`
}

/** The pending application of the user with `phone`, as the operator's queue lists it. */
async function pendingApplication(staff, phone) {
  const res = await mp.api('GET', '/admin/distributor-applications?status=pending&page_size=100', undefined, staff)
  return res.data.items.find((a) => a.phone === phone)
}

/** Makes `identity` a distributor through the API (apply, operator approves); returns its token. */
async function makeDistributor(identity, phone) {
  const token = await userToken(identity)
  const applied = await mp.api('POST', '/distribution/apply', { real_name: '测试员', phone, reason: '' }, token)
  if (applied.statusCode !== 201) throw new Error(JSON.stringify(applied.data))
  if (!applied.data.distributor_code) {
    const staff = await staffToken()
    const approved = await mp.api('POST', `/admin/distributor-applications/${applied.data.id}/approve`, {}, staff)
    if (approved.statusCode !== 200) throw new Error(JSON.stringify(approved.data))
  }
  return token
}

module.exports = { staffToken, userToken, pendingApplication, makeDistributor }
