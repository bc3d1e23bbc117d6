/**
 * 账号与资料: who is logged in (the silent login ran at launch), the WeChat phone binding, the
 * nickname and avatar, and 退出登录. The phone comes only from WeChat's getPhoneNumber button:
 * its one-off code goes to POST /auth/phone, which asks WeChat for the number. The avatar comes
 * from WeChat's chooseAvatar button as a file on the phone: it is uploaded at once (POST
 * /auth/avatar) and the mall's copy shown; the nickname is saved with 保存资料.
 */
const auth = require('../../services/auth')
const config = require('../../config')
const format = require('../../utils/format')
const share = require('../../utils/share')
const ui = require('../../utils/ui')

const FIELDS = ['nickname', 'avatar_url']

// A validation message names the field for a toast ("参数 nickname 不正确：长度超出限制"); under
// the field itself only the reason reads well.
function reason(message) {
  const parts = String(message || '').split('：')
  return parts.length > 1 ? parts.slice(1).join('：') : message
}

Page({
  data: {
    loading: true,
    error: '',
    user: null,
    phone: '',
    nickname: '',
    avatarUrl: '',
    dirty: false,
    errors: {},
    saving: false,
    binding: false,
    uploading: false,
  },

  onLoad() { return this.load() },

  async onPullDownRefresh() {
    try {
      await this.load()
    } finally {
      wx.stopPullDownRefresh()
    }
  },

  async load() {
    this.setData({ loading: true, error: '' })
    try {
      this.show(await auth.me())
    } catch (err) {
      this.setData({ error: err.message || '加载失败' })
      ui.showError(err)
    } finally {
      this.setData({ loading: false })
    }
  },

  /** The server's view of me; what the user is still editing stays as typed. */
  show(user, { keepEdits = this.data.dirty } = {}) {
    const update = { user, phone: format.maskPhone(user.phone) }
    if (!keepEdits) Object.assign(update, { nickname: user.nickname, avatarUrl: user.avatar_url, errors: {} })
    this.setData(update)
  },

  onRetry() { return this.load() },

  async onPhone(e) {
    const detail = (e && e.detail) || {}
    if (!detail.code) {
      // Refused, or a WeChat client too old to hand out a code: nothing to send.
      ui.toast('未授权手机号，可稍后再绑定')
      return
    }
    if (this.data.binding) return
    this.setData({ binding: true })
    try {
      this.show(await auth.bindPhone(detail.code))
      ui.toast('手机号已绑定', 'success')
    } catch (err) {
      ui.showError(err)
    } finally {
      this.setData({ binding: false })
    }
  },

  async onChooseAvatar(e) {
    const url = e && e.detail && e.detail.avatarUrl
    if (!url || this.data.uploading || !this.data.user) return
    if (url.startsWith(`${config.apiBase}/`)) {
      // Already a picture the mall serves: nothing to upload, 保存资料 saves the link.
      this.setData({ avatarUrl: url, dirty: true, 'errors.avatar_url': '' })
      return
    }
    // Anything else is a file on the phone (wxfile://, DevTools' http://tmp/): shown while it
    // uploads, then replaced by the mall's copy, or by the old avatar if the upload is refused.
    this.setData({ avatarUrl: url, uploading: true, 'errors.avatar_url': '' })
    try {
      const saved = await auth.uploadAvatar(url)
      this.show(saved, { keepEdits: true })
      this.setData({ avatarUrl: saved.avatar_url })
      ui.toast('头像已更新', 'success')
    } catch (err) {
      this.setData({ avatarUrl: this.data.user.avatar_url, 'errors.avatar_url': reason(err.message) })
      ui.showError(err)
    } finally {
      this.setData({ uploading: false })
    }
  },

  onNickname(e) {
    const value = (e && e.detail && e.detail.value) || ''
    if (value === this.data.nickname) return
    this.setData({ nickname: value, dirty: true, 'errors.nickname': '' })
  },

  async onSave() {
    const { user, nickname, avatarUrl, saving, uploading } = this.data
    // While an avatar uploads, avatarUrl is the phone's file, which is not for PATCH.
    if (saving || uploading || !user) return
    const changes = {}
    if (nickname !== user.nickname) changes.nickname = nickname
    if (avatarUrl !== user.avatar_url) changes.avatar_url = avatarUrl
    if (!Object.keys(changes).length) {
      ui.toast('资料没有变化')
      return
    }
    this.setData({ saving: true, errors: {} })
    try {
      const saved = await auth.updateMe(changes)
      this.setData({ dirty: false })
      this.show(saved, { keepEdits: false })
      ui.toast('已保存', 'success')
    } catch (err) {
      if (FIELDS.includes(err.field)) this.setData({ [`errors.${err.field}`]: reason(err.message) })
      ui.showError(err)
    } finally {
      this.setData({ saving: false })
    }
  },

  async onLogout() {
    const sure = await ui.confirm({ title: '退出登录', content: '退出后，所有设备上的登录都会失效，确定退出吗？', confirmText: '退出' })
    if (!sure) return
    try {
      await auth.logout()
    } catch (err) {
      // The tokens on this phone are gone either way; the server's refusal is only reported.
      ui.showError(err)
    }
    wx.reLaunch({ url: '/pages/index/index' })
  },

  onShareAppMessage() { return share.home() },
})
