/**
 * The test double of `wx`: storage, navigation, toasts and modals are recorded in memory, but
 * `wx.request` sends real HTTP to the Fenxiao server the jest run started, `wx.login` hands out a
 * sandbox login code for the current identity, `wx.requestPayment` completes the payment through
 * the sandbox as WeChat's cashier would, and `wx.requestMerchantTransfer` confirms a withdrawal as
 * the payee's tap would. Nothing here invents an API answer.
 */
const http = require('http')

function createWx(apiBase) {
  const state = {
    apiBase,
    identity: 'mp-shopper',
    storage: new Map(),
    requests: [],
    inflight: 0,
    toasts: [],
    modals: [],
    modalAnswer: true,
    navigations: [],
    clipboard: '',
    payments: [],
    paymentOutcome: 'ok',
    transfers: [],
    subscribeAsks: [], // each wx.requestSubscribeMessage: its tmplIds
    subscribeAnswer: 'accept', // what the user taps for every template
    album: [],
    chosenMedia: [],
    mediaRequests: [],
    previews: [],
    albumAuthorized: undefined, // undefined: never asked; false: refused once; true: granted
    phoneCode: '',
    pullDownStopped: 0,
    chosenAddress: {
      userName: '林小满',
      telNumber: '13912345678',
      provinceName: '浙江省',
      cityName: '杭州市',
      countyName: '西湖区',
      detailInfo: '文三路 90 号 3 幢 501',
      postalCode: '310012',
    },
  }

  function http_({ url, method = 'GET', data, header = {} }) {
    return new Promise((resolve, reject) => {
      const body = data === undefined || method === 'GET' ? undefined : JSON.stringify(data)
      const target = new URL(url)
      const req = http.request(
        { hostname: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method, headers: { ...header, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) } },
        (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk) => { text += chunk })
          res.on('end', () => {
            let parsed = text
            try { parsed = text ? JSON.parse(text) : '' } catch (err) { /* not JSON: keep the text */ }
            resolve({ statusCode: res.statusCode, data: parsed, header: res.headers })
          })
        },
      )
      req.on('error', reject)
      if (body) req.write(body)
      req.end()
    })
  }

  const callbacks = (opts, ok, res) => {
    if (ok && opts.success) opts.success(res)
    if (!ok && opts.fail) opts.fail(res)
    if (opts.complete) opts.complete(res)
  }

  /** Calls the API directly with the stored token (the doubles of WeChat's own pages use it). */
  async function api(method, path, data, token) {
    const header = { 'content-type': 'application/json' }
    if (token) header.Authorization = token
    return http_({ url: `${state.apiBase}/api/v1${path}`, method, data, header })
  }

  const lastRequest = (test) => [...state.requests].reverse().find(test)

  const wx = {
    request(opts) {
      state.inflight += 1
      const entry = { method: opts.method || 'GET', url: opts.url, data: opts.data, header: opts.header || {} }
      state.requests.push(entry)
      http_(opts).then(
        (res) => {
          entry.statusCode = res.statusCode
          entry.response = res.data
          try { callbacks(opts, true, { ...res, errMsg: 'request:ok' }) } finally { state.inflight -= 1 }
        },
        (err) => {
          try { callbacks(opts, false, { errMsg: `request:fail ${err.message}` }) } finally { state.inflight -= 1 }
        },
      )
      return { abort() {} }
    },
    login(opts) {
      callbacks(opts, true, { code: `sandbox-${state.identity}`, errMsg: 'login:ok' })
    },
    getStorageSync: (key) => (state.storage.has(key) ? JSON.parse(state.storage.get(key)) : ''),
    setStorageSync: (key, value) => { state.storage.set(key, JSON.stringify(value)) },
    removeStorageSync: (key) => { state.storage.delete(key) },
    clearStorageSync: () => state.storage.clear(),
    showToast(opts) { state.toasts.push(opts.title); callbacks(opts, true, {}) },
    hideToast() {},
    showLoading() {},
    hideLoading() {},
    showModal(opts) {
      state.modals.push(opts.content || opts.title)
      callbacks(opts, true, { confirm: state.modalAnswer, cancel: !state.modalAnswer, content: opts.editable ? state.modalText || '' : undefined })
    },
    showActionSheet(opts) { callbacks(opts, true, { tapIndex: 0 }) },
    navigateTo(opts) { state.navigations.push({ kind: 'navigateTo', url: opts.url }); callbacks(opts, true, {}) },
    redirectTo(opts) { state.navigations.push({ kind: 'redirectTo', url: opts.url }); callbacks(opts, true, {}) },
    switchTab(opts) { state.navigations.push({ kind: 'switchTab', url: opts.url }); callbacks(opts, true, {}) },
    reLaunch(opts) { state.navigations.push({ kind: 'reLaunch', url: opts.url }); callbacks(opts, true, {}) },
    navigateBack(opts = {}) { state.navigations.push({ kind: 'navigateBack', delta: opts.delta || 1 }); callbacks(opts, true, {}) },
    stopPullDownRefresh() { state.pullDownStopped += 1 },
    startPullDownRefresh() {},
    pageScrollTo() {},
    setNavigationBarTitle() {},
    showShareMenu() {},
    hideHomeButton() {},
    setClipboardData(opts) { state.clipboard = opts.data; callbacks(opts, true, {}) },
    previewImage(opts) { state.previews.push(opts.current) },
    /**
     * `wx.chooseMedia`: the pictures the test put in `state.chosenMedia` (temp paths whose bytes
     * are in `state.files`), at most `count`; nothing chosen is the user cancelling.
     */
    chooseMedia(opts) {
      state.mediaRequests.push({ count: opts.count, mediaType: opts.mediaType })
      const chosen = state.chosenMedia.splice(0, opts.count)
      if (!chosen.length) return callbacks(opts, false, { errMsg: 'chooseMedia:fail cancel' })
      const tempFiles = chosen.map((tempFilePath) => ({ tempFilePath, size: (state.files.get(tempFilePath) || []).length, fileType: 'image' }))
      return callbacks(opts, true, { type: 'image', tempFiles, errMsg: 'chooseMedia:ok' })
    },
    makePhoneCall() {},
    chooseAddress(opts) { callbacks(opts, true, { ...state.chosenAddress, errMsg: 'chooseAddress:ok' }) },
    getSetting(opts) { callbacks(opts, true, { authSetting: state.albumAuthorized === undefined ? {} : { 'scope.writePhotosAlbum': state.albumAuthorized } }) },
    authorize(opts) {
      if (state.albumAuthorizeAnswer === false) { state.albumAuthorized = false; callbacks(opts, false, { errMsg: 'authorize:fail auth deny' }) }
      else { state.albumAuthorized = true; callbacks(opts, true, {}) }
    },
    openSetting(opts) { state.albumAuthorized = true; callbacks(opts, true, { authSetting: { 'scope.writePhotosAlbum': true } }) },
    downloadFile(opts) { callbacks(opts, true, { statusCode: 200, tempFilePath: `wxfile://tmp/${encodeURIComponent(opts.url)}` }) },
    saveImageToPhotosAlbum(opts) {
      if (state.albumAuthorized !== true) return callbacks(opts, false, { errMsg: 'saveImageToPhotosAlbum:fail auth deny' })
      state.album.push(opts.filePath)
      return callbacks(opts, true, {})
    },
    getSystemInfoSync: () => ({ windowWidth: 375, windowHeight: 667, screenWidth: 375, screenHeight: 812, statusBarHeight: 44, pixelRatio: 2, platform: 'devtools', SDKVersion: '3.7.0', safeArea: { top: 44, bottom: 778, left: 0, right: 375, width: 375, height: 734 } }),
    getWindowInfo: () => ({ windowWidth: 375, windowHeight: 667, screenWidth: 375, screenHeight: 812, statusBarHeight: 44, pixelRatio: 2, safeArea: { top: 44, bottom: 778, left: 0, right: 375, width: 375, height: 734 } }),
    getDeviceInfo: () => ({ platform: 'devtools', system: 'iOS 17', model: 'iPhone' }),
    getAppBaseInfo: () => ({ SDKVersion: '3.7.0', language: 'zh_CN', theme: 'light' }),
    getMenuButtonBoundingClientRect: () => ({ top: 48, bottom: 80, left: 281, right: 368, width: 87, height: 32 }),
    canIUse: () => true,
    nextTick: (fn) => Promise.resolve().then(fn),
    onAppShow() {},
    offAppShow() {},
    /** WeChat's cashier: pays the order whose /pay call handed these parameters out. */
    requestPayment(opts) {
      const pay = lastRequest((r) => r.method === 'POST' && /\/orders\/\d+\/pay$/.test(r.url) && r.response && r.response.params && r.response.params.package === opts.package)
      state.payments.push({ params: { ...opts }, outcome: state.paymentOutcome })
      if (!pay) return callbacks(opts, false, { errMsg: 'requestPayment:fail unknown package' })
      if (state.paymentOutcome === 'cancel') return callbacks(opts, false, { errMsg: 'requestPayment:fail cancel' })
      const orderId = /\/orders\/(\d+)\/pay$/.exec(pay.url)[1]
      state.inflight += 1
      ;(async () => {
        const token = pay.header.Authorization
        const order = await api('GET', `/orders/${orderId}`, undefined, token)
        const paid = await api('POST', `/sandbox/payments/${order.data.order_no}/succeed`, {}, token)
        if (paid.statusCode !== 200) throw new Error(`sandbox payment failed: ${JSON.stringify(paid.data)}`)
        callbacks(opts, true, { errMsg: 'requestPayment:ok' })
      })().catch((err) => callbacks(opts, false, { errMsg: `requestPayment:fail ${err.message}` })).finally(() => { state.inflight -= 1 })
      return undefined
    },
    /** WeChat's transfer confirmation page: the payee accepts the withdrawal with this package. */
    requestSubscribeMessage(opts) {
      state.subscribeAsks.push([...opts.tmplIds])
      const res = { errMsg: 'requestSubscribeMessage:ok' }
      opts.tmplIds.forEach((id) => { res[id] = state.subscribeAnswer })
      callbacks(opts, true, res)
    },
    requestMerchantTransfer(opts) {
      const created = lastRequest((r) => r.response && r.response.confirm_params && r.response.confirm_params.package === opts.package)
      state.transfers.push({ ...opts })
      if (!created) return callbacks(opts, false, { errMsg: 'requestMerchantTransfer:fail unknown package' })
      state.inflight += 1
      ;(async () => {
        const res = await api('POST', `/distribution/withdrawals/${created.response.id}/sandbox-confirm`, {}, created.header.Authorization)
        if (res.statusCode !== 200) throw new Error(JSON.stringify(res.data))
        callbacks(opts, true, { errMsg: 'requestMerchantTransfer:ok' })
      })().catch((err) => callbacks(opts, false, { errMsg: `requestMerchantTransfer:fail ${err.message}` })).finally(() => { state.inflight -= 1 })
      return undefined
    },
  }

  /**
   * `wx.uploadFile`: a real multipart/form-data POST of a file the test put in `state.files`
   * (path → Buffer), as the chooseAvatar button's temp file would be sent. Like WeChat, `data` in
   * the answer is the response text, never parsed.
   */
  state.files = new Map()
  wx.uploadFile = function uploadFile(opts) {
    const entry = { method: 'POST', url: opts.url, upload: opts.filePath, header: opts.header || {} }
    state.requests.push(entry)
    const bytes = state.files.get(opts.filePath)
    if (!bytes) {
      callbacks(opts, false, { errMsg: `uploadFile:fail file not found: ${opts.filePath}` })
      return { abort() {} }
    }
    state.inflight += 1
    const boundary = `----wxdouble${Date.now().toString(16)}`
    const fields = Object.entries(opts.formData || {}).map(([key, value]) => Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="${key}"\r\n\r\n${value}\r\n`,
    ))
    const filename = opts.filePath.split('/').pop() || 'file'
    const body = Buffer.concat([
      ...fields,
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${opts.name}"; filename="${filename}"\r\ncontent-type: application/octet-stream\r\n\r\n`),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ])
    send(opts.url, 'POST', { ...(opts.header || {}), 'content-type': `multipart/form-data; boundary=${boundary}` }, body).then(
      (res) => {
        const text = res.body.toString('utf8')
        entry.statusCode = res.statusCode
        try { entry.response = JSON.parse(text) } catch (err) { entry.response = text }
        try { callbacks(opts, true, { statusCode: res.statusCode, data: text, errMsg: 'uploadFile:ok' }) } finally { state.inflight -= 1 }
      },
      (err) => {
        try { callbacks(opts, false, { errMsg: `uploadFile:fail ${err.message}` }) } finally { state.inflight -= 1 }
      },
    )
    return { abort() {}, onProgressUpdate() {} }
  }

  return { wx, state, api }
}

/** Raw HTTP: resolves `{ statusCode, headers, body }` with the body as a Buffer (images too). */
function send(url, method = 'GET', headers = {}, body) {
  return new Promise((resolve, reject) => {
    const target = new URL(url)
    const req = http.request(
      { hostname: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method, headers: { ...headers, ...(body ? { 'content-length': body.length } : {}) } },
      (res) => {
        const chunks = []
        res.on('data', (chunk) => chunks.push(chunk))
        res.on('end', () => resolve({ statusCode: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }))
      },
    )
    req.on('error', reject)
    if (body) req.write(body)
    req.end()
  })
}

module.exports = { createWx, fetchRaw: (url) => send(url) }
