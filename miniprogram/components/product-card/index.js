/** A product tile (list and grid): picture, title, price; a tap opens the product. */
Component({
  properties: {
    product: { type: Object, value: {} },
  },
  methods: {
    onTap() {
      const id = this.data.product.id || this.data.product.product_id
      if (id) wx.navigateTo({ url: `/pages/product/detail?id=${id}` })
    },
  },
})
