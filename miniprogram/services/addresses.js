/** The address book: {receiver, phone, province, city, district, detail, postal_code, tag, is_default}. */
const { request } = require('./request')

module.exports = {
  list: () => request({ path: '/addresses' }),
  get: (id) => request({ path: `/addresses/${id}` }),
  create: (data) => request({ path: '/addresses', method: 'POST', data }),
  update: (id, data) => request({ path: `/addresses/${id}`, method: 'PATCH', data }),
  remove: (id) => request({ path: `/addresses/${id}`, method: 'DELETE' }),
  /** What wx.chooseAddress gives, in the API's words. */
  fromWechat: (res) => ({
    receiver: res.userName || '',
    phone: res.telNumber || '',
    province: res.provinceName || '',
    city: res.cityName || '',
    district: res.countyName || '',
    detail: res.detailInfo || '',
    postal_code: /^\d{6}$/.test(res.postalCode || '') ? res.postalCode : '',
  }),
}
