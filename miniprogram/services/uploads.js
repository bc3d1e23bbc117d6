/**
 * Evidence pictures for a complaint or an after-sale: chosen on the phone (wx.chooseMedia) and
 * uploaded one by one to POST /uploads/images, which answers the URL the mall serves it at — the
 * only kind of picture link complaints and after-sales accept.
 */
const { upload } = require('./request')

/** Local temp paths of up to `count` pictures from the album or camera; `[]` when cancelled. */
function chooseImages(count) {
  return new Promise((resolve) => {
    wx.chooseMedia({
      count,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
      sizeType: ['compressed'],
      success: (res) => resolve((res.tempFiles || []).map((f) => f.tempFilePath)),
      fail: () => resolve([]),
    })
  })
}

/** `filePath` uploaded; resolves with its URL, rejects with the server's ApiError. */
async function uploadImage(filePath) {
  const answer = await upload({ path: '/uploads/images', filePath, name: 'file' })
  return answer.url
}

module.exports = { chooseImages, uploadImage, MAX_PICTURES: 9 }
