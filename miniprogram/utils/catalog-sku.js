/**
 * Choosing a SKU from spec values (颜色 × 容量 ...). A value is disabled when no SKU in stock
 * has it together with the values already chosen for the other specs, so a shopper cannot walk
 * into a combination that cannot be bought.
 */
const matches = (sku, chosen) => Object.keys(chosen).every((name) => !chosen[name] || sku.specs[name] === chosen[name])

/** The SKU the chosen values name, or null while a spec is still open. */
function pickSku(product, chosen) {
  const skus = product.skus || []
  const specs = product.specs || []
  if (!specs.length) return skus.length === 1 ? skus[0] : null
  if (specs.some((s) => !chosen[s.name])) return null
  return skus.find((sku) => matches(sku, chosen)) || null
}

/** The spec rows for the picker: each value with `selected` and `disabled` (no stock that way). */
function specRows(product, chosen) {
  const skus = product.skus || []
  return (product.specs || []).map((spec) => ({
    name: spec.name,
    values: spec.values.map((value) => {
      const other = { ...chosen, [spec.name]: value }
      const inStock = skus.some((sku) => sku.stock > 0 && matches(sku, other))
      return { value, selected: chosen[spec.name] === value, disabled: !inStock }
    }),
  }))
}

/** Chooses (or, tapped again, clears) a value; other choices that no longer fit are dropped. */
function choose(product, chosen, name, value) {
  const next = { ...chosen, [name]: chosen[name] === value ? '' : value }
  const skus = product.skus || []
  Object.keys(next).forEach((other) => {
    if (other === name || !next[other]) return
    const fits = skus.some((sku) => sku.stock > 0 && matches(sku, next))
    if (!fits) next[other] = ''
  })
  return next
}

/** The chosen values as text, e.g. "红色 50ml". */
const specText = (product, chosen) => (product.specs || []).map((s) => chosen[s.name]).filter(Boolean).join(' ')

module.exports = { pickSku, specRows, choose, specText }
