/**
 * Saving a poster or mini-program code to the phone's album. WeChat asks once; after a refusal
 * only the settings page can grant it, so the user is told why and taken there.
 */
const ui = require('./ui')

const call = (api, opts = {}) => new Promise((resolve, reject) => wx[api]({ ...opts, success: resolve, fail: reject }))

async function ensureAlbumPermission() {
  const setting = await call('getSetting')
  const granted = setting.authSetting && setting.authSetting['scope.writePhotosAlbum']
  if (granted) return true
  if (granted === undefined) {
    try {
      await call('authorize', { scope: 'scope.writePhotosAlbum' })
      return true
    } catch (err) {
      return false
    }
  }
  const go = await ui.confirm({ title: '需要相册权限', content: '保存海报需要允许访问相册，去设置中打开“保存到相册”', confirmText: '去设置' })
  if (!go) return false
  const opened = await call('openSetting')
  return Boolean(opened.authSetting && opened.authSetting['scope.writePhotosAlbum'])
}

/** Downloads `url` and saves it; resolves true when saved, false when the user refused. */
async function saveImage(url) {
  if (!(await ensureAlbumPermission())) {
    ui.toast('未获得相册权限，海报未保存')
    return false
  }
  const file = await call('downloadFile', { url })
  await call('saveImageToPhotosAlbum', { filePath: file.tempFilePath })
  ui.toast('已保存到相册', 'success')
  return true
}

/**
 * The page's save button: one save at a time (the page's `saving` flag disables the button), a
 * failed download or save told in a toast.
 */
async function saveFromPage(page, url) {
  if (!url || page.data.saving) return
  page.setData({ saving: true })
  try {
    await saveImage(url)
  } catch (err) {
    ui.toast('保存失败，请稍后重试')
  } finally {
    page.setData({ saving: false })
  }
}

module.exports = { saveImage, saveFromPage, ensureAlbumPermission }
