/**
 * The add-picture tile of the complaint and after-sales forms, as page methods: the page keeps
 * `photos` (the uploaded URLs, sent with the form) and `uploading` in its data and spreads these
 * methods into `Page({...})`. Each chosen picture is uploaded at once, so submitting only sends URLs.
 */
const uploads = require('../services/uploads')
const ui = require('./ui')

const pictureData = { photos: [], uploading: false, maxPhotos: uploads.MAX_PICTURES }

const pictureMethods = {
  async onAddPicture() {
    const { photos, uploading } = this.data
    const room = uploads.MAX_PICTURES - photos.length
    if (uploading || room <= 0) return
    const paths = await uploads.chooseImages(room)
    if (!paths.length) return
    this.setData({ uploading: true })
    for (const filePath of paths) {
      try {
        const url = await uploads.uploadImage(filePath)
        this.setData({ photos: [...this.data.photos, url] })
      } catch (err) {
        ui.showError(err)
        break
      }
    }
    this.setData({ uploading: false })
  },

  onRemovePicture(e) {
    const index = Number(ui.dataset(e).index)
    this.setData({ photos: this.data.photos.filter((_, i) => i !== index) })
  },

  onPreviewPicture(e) {
    wx.previewImage({ urls: this.data.photos, current: this.data.photos[Number(ui.dataset(e).index)] })
  },
}

module.exports = { pictureData, pictureMethods }
