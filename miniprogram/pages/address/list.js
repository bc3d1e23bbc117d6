/**
 * The address book; with `select=1` it is the address picker of an ordering page: tapping an
 * address (or importing one from WeChat) hands it back through utils/address-pick.
 */
const addresses = require('../../services/addresses')
const addressPick = require('../../utils/address-pick')
const ui = require('../../utils/ui')
const share = require('../../utils/share')
const { loadInto } = require('../../utils/loader')

function chooseWechatAddress() {
  return new Promise((resolve) => {
    wx.chooseAddress({ success: resolve, fail: () => resolve(null) })
  })
}

Page({
  data: { select: false, items: [], loading: false, loaded: false, error: '' },

  onLoad(query = {}) {
    this.setData({ select: query.select === '1' || query.select === 1 })
  },

  onShow() {
    return this.load()
  },

  onPullDownRefresh() {
    return this.load().finally(() => wx.stopPullDownRefresh())
  },

  async load() {
    return loadInto(this, async () => ({ items: await addresses.list() }))
  },

  find(e) {
    const { id } = ui.dataset(e)
    return this.data.items.find((a) => a.id === id)
  },

  onTap(e) {
    const address = this.find(e)
    if (!address) return
    if (this.data.select) addressPick.choose(address)
    else ui.navigate(`/pages/address/edit?id=${address.id}`)
  },

  onEdit(e) {
    ui.navigate(`/pages/address/edit?id=${ui.dataset(e).id}`)
  },

  async onSetDefault(e) {
    try {
      await addresses.update(ui.dataset(e).id, { is_default: true })
      ui.toast('已设为默认地址')
    } catch (err) {
      ui.showError(err)
    }
    await this.load()
  },

  async onRemove(e) {
    if (!(await ui.confirm({ content: '确定删除这个收货地址吗？' }))) return
    try {
      await addresses.remove(ui.dataset(e).id)
      ui.toast('已删除')
    } catch (err) {
      ui.showError(err)
    }
    await this.load()
  },

  onAdd() {
    ui.navigate('/pages/address/edit')
  },

  async onImport() {
    const res = await chooseWechatAddress()
    if (!res) return
    try {
      const created = await addresses.create(addresses.fromWechat(res))
      if (this.data.select) {
        addressPick.choose(created)
        return
      }
      ui.toast('已导入')
      await this.load()
    } catch (err) {
      ui.showError(err)
    }
  },

  onRetry() {
    return this.load()
  },

  onShareAppMessage() {
    return share.home()
  },
})
