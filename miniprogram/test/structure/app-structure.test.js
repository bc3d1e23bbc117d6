/**
 * What WeChat DevTools checks when it opens the project: every page in app.json exists with its
 * four files, every usingComponents path resolves, and every page and component WXML compiles
 * with WeChat's own compiler (miniprogram-simulate's official mode) and renders.
 */
const fs = require('fs')
const path = require('path')
const mp = require('../support/mp')

const ROOT = mp.ROOT
const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'))
const pages = [
  ...app.pages,
  ...(app.subPackages || []).flatMap((pkg) => pkg.pages.map((page) => `${pkg.root}/${page}`)),
]

function ownComponents() {
  const found = []
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(rel)
      else if (entry.name.endsWith('.json')) {
        const json = JSON.parse(fs.readFileSync(path.join(ROOT, rel), 'utf8'))
        if (json.component) found.push(rel.replace(/\.json$/, ''))
      }
    }
  }
  walk('components')
  walk('custom-tab-bar')
  return found
}

function resolveUsing(from, target) {
  if (target.startsWith('/')) return path.join(ROOT, target)
  if (target.startsWith('.')) return path.join(ROOT, path.dirname(from), target)
  return path.join(ROOT, 'miniprogram_npm', target)
}

describe('app.json', () => {
  test('lists the shopper and distributor pages the issue names', () => {
    expect(pages.length).toBeGreaterThanOrEqual(37)
    expect(app.pages[0]).toBe('pages/index/index')
    expect(app.tabBar.list.map((tab) => tab.pagePath)).toEqual(['pages/index/index', 'pages/category/index', 'pages/cart/index', 'pages/me/index'])
  })

  test.each(pages)('%s has its .js, .json, .wxml and .wxss', (page) => {
    for (const ext of ['js', 'json', 'wxml', 'wxss']) {
      expect(fs.existsSync(path.join(ROOT, `${page}.${ext}`))).toBe(true)
    }
  })

  test.each([...pages, ...ownComponents()])('%s: every usingComponents path resolves', (file) => {
    const json = JSON.parse(fs.readFileSync(path.join(ROOT, `${file}.json`), 'utf8'))
    const using = { ...app.usingComponents, ...(json.usingComponents || {}) }
    for (const [tag, target] of Object.entries(using)) {
      const resolved = resolveUsing(file, target)
      expect([tag, fs.existsSync(`${resolved}.json`)]).toEqual([tag, true])
      expect([tag, fs.existsSync(`${resolved}.js`)]).toEqual([tag, true])
    }
  })

  test.each([...pages, ...ownComponents()])('%s compiles and renders in the simulator', (file) => {
    const component = mp.render(file)
    // Its own template rendered (not an unregistered, empty host).
    expect(component.dom.innerHTML.length).toBeGreaterThan(0)
  })
})
