/** Identity: the silent WeChat login, the profile, phone binding and logout. */
const { request, login } = require('./request')
const session = require('./session')

module.exports = {
  login,
  me: () => request({ path: '/auth/me' }),
  updateMe: (data) => request({ path: '/auth/me', method: 'PATCH', data }),
  bindPhone: (code) => request({ path: '/auth/phone', method: 'POST', data: { code } }),
  async logout() {
    try {
      await request({ path: '/auth/logout', method: 'POST', data: {} })
    } finally {
      session.clear()
    }
  },
}
