/**
 * Pages that show one thing (an activity, a group, a tier, the address book) load it alike:
 * `loading` while the call runs, `loaded` once it answered either way, the server's message in
 * `error` when it failed. `fetch` resolves the fields to set (or nothing when it set its own).
 */
async function loadInto(page, fetch) {
  page.setData({ loading: true, error: '' })
  try {
    const data = await fetch()
    page.setData({ ...(data || {}), loading: false, loaded: true })
  } catch (err) {
    page.setData({ loading: false, loaded: true, error: err.message || '加载失败' })
  }
}

module.exports = { loadInto }
