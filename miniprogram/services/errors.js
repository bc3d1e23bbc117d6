/**
 * Every API error arrives as `{"code", "message"}` (sometimes with `field`); a page shows the
 * message as it came, and branches on the stable code, never on the Chinese text.
 */
class ApiError extends Error {
  constructor({ status = 0, code = 'NETWORK_ERROR', message = '网络异常，请稍后重试', field = null, errors = [] } = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
    // Every bad field of a 422 as `{field, message}`, so a form can mark them all at once.
    this.errors = errors
  }

  /** `{field: message}` for the fields the server refused (the first one when it named only one). */
  get fields() {
    const out = {}
    for (const item of this.errors) if (item.field && !(item.field in out)) out[item.field] = item.message
    if (this.field && !(this.field in out)) out[this.field] = this.message
    return out
  }
}

function fromResponse(res) {
  const body = res && typeof res.data === 'object' && res.data ? res.data : {}
  let message = body.message
  if (!message && Array.isArray(body.detail)) message = '提交的内容有误，请检查后重试'
  return new ApiError({
    status: res.statusCode,
    code: body.code || `HTTP_${res.statusCode}`,
    message: message || '服务暂时不可用，请稍后重试',
    field: body.field || null,
    errors: Array.isArray(body.errors) ? body.errors : [],
  })
}

module.exports = { ApiError, fromResponse }
