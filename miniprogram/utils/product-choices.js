/**
 * The catalogue as a list to choose from (a poster's product, my shop's products), loaded page by
 * page beside a page's own data: the pager owns `items`, so these fields carry their own names.
 */
const catalog = require('../services/catalog')
const ui = require('./ui')

function productChoicesData() {
  return { products: [], productPage: 0, productsFinished: false, productsLoading: false }
}

async function moreProductChoices(page) {
  if (page.data.productsLoading || page.data.productsFinished) return
  page.setData({ productsLoading: true })
  try {
    const pageNo = page.data.productPage + 1
    const res = await catalog.products({ page: pageNo })
    const products = page.data.products.concat(res.items)
    page.setData({ products, productPage: pageNo, productsFinished: !res.items.length || products.length >= res.count })
  } catch (err) {
    ui.showError(err)
  } finally {
    page.setData({ productsLoading: false })
  }
}

module.exports = { productChoicesData, moreProductChoices }
