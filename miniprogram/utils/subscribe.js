/**
 * Asking for subscription-message consent at the natural moments: after paying, when requesting
 * a withdrawal, when applying to become a distributor. WeChat shows its dialog only from a tap, so
 * the page fetches the template ids when it loads (`prepare`) and the tap handler opens the dialog
 * first, before any await (`ask`); what the user chose goes to the server, which allows one
 * message per acceptance. Consent never blocks the flow: any failure is ignored.
 */
const notifications = require('../services/notifications')

const ready = {}

function prepare(scene) {
  return notifications
    .templates(scene)
    .then((res) => { ready[scene] = res.template_ids || [] })
    .catch(() => { ready[scene] = [] })
}

/** Resolves the server's answer, or null when nothing was asked or reported. */
function ask(scene) {
  const tmplIds = ready[scene] || []
  if (!tmplIds.length || typeof wx.requestSubscribeMessage !== 'function') return Promise.resolve(null)
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds,
      success: (res) => {
        const results = {}
        tmplIds.forEach((id) => { if (res && res[id]) results[id] = res[id] })
        notifications.report(results).then(resolve, () => resolve(null))
      },
      fail: () => resolve(null),
    })
  })
}

module.exports = { prepare, ask }
