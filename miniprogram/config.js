/**
 * Where the mini-program finds the Fenxiao API. Set `apiBase` to your HTTPS domain before uploading
 * (it must also be listed under 开发管理 → 服务器域名 → request 合法域名); DevTools on your own machine can
 * use the local `make run` server with "不校验合法域名" ticked.
 */
module.exports = {
  apiBase: 'http://127.0.0.1:8000',
  apiPrefix: '/api/v1',
  pageSize: 10,
}
