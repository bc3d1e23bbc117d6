/**
 * The bottom of every list: loading, the server's error with a retry, empty, or "no more". The
 * page keeps the pager's fields; this only draws them, and `retry` asks the page to load again.
 */
Component({
  properties: {
    loading: { type: Boolean, value: false },
    loaded: { type: Boolean, value: false },
    finished: { type: Boolean, value: false },
    empty: { type: Boolean, value: false },
    error: { type: String, value: '' },
    emptyText: { type: String, value: '暂无数据' },
    emptyIcon: { type: String, value: 'info-circle' },
    endText: { type: String, value: '没有更多了' },
  },
  methods: {
    onRetry() {
      this.triggerEvent('retry')
    },
  },
})
