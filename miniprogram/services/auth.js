/**
 * Identity: the silent WeChat login, the profile (GET/PATCH /auth/me → UserOut), phone binding
 * (POST /auth/phone {code} with the getPhoneNumber button's code), the avatar (POST /auth/avatar,
 * the chooseAvatar button's local file uploaded → UserOut with the stored picture's URL) and logout
 * (POST /auth/logout, 204: every device's refresh token is revoked, so the next call starts a fresh
 * login).
 */
const { request, upload, login } = require('./request')
const session = require('./session')

module.exports = {
  login,
  me: () => request({ path: '/auth/me' }),
  /** `data`: { nickname?, avatar_url? } — only what changed; avatar_url must be http(s). */
  updateMe: (data) => request({ path: '/auth/me', method: 'PATCH', data }),
  /** `filePath`: the local file chooseAvatar gave (wxfile://…, or http://tmp/… in DevTools). */
  uploadAvatar: (filePath) => upload({ path: '/auth/avatar', filePath, name: 'file' }),
  bindPhone: (code) => request({ path: '/auth/phone', method: 'POST', data: { code } }),
  async logout() {
    // Without tokens there is nothing to revoke: asking would only log in to log out again.
    if (!session.isLoggedIn()) return
    try {
      await request({ path: '/auth/logout', method: 'POST', data: {} })
    } finally {
      session.clear()
    }
  },
}
