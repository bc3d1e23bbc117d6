/**
 * Turns a page the harness rendered (WXML with TDesign in jsdom) into a static HTML file that a
 * browser draws the way WeChat would on a 375 px-wide phone, and photographs it with Debian's
 * headless chromium into docs/screenshots/mp-<name>.png.
 *
 * What WeChat adds and jsdom lacks is supplied here: rpx as 0.5 px, app.wxss and app.json's
 * global components (the harness loads neither), the built-in elements' own look (wx-view is a
 * block, wx-image draws its picture...), the navigation bar from the page's JSON and the custom
 * tab bar on tab pages. Pictures are inlined as data URIs so chromium needs no network.
 */
const fs = require('fs')
const os = require('os')
const path = require('path')
const http = require('http')
const { execFileSync } = require('child_process')
const simulateUtils = require('miniprogram-simulate/src/utils')
const wxss = require('miniprogram-simulate/src/wxss')
const mp = require('../support/mp')

const fromSimulate = { paths: [path.dirname(require.resolve('miniprogram-simulate'))] }
const jComponent = require(require.resolve('j-component', fromSimulate))
const jComponentUtils = require(require.resolve('j-component/src/tool/utils', fromSimulate))

const ROOT = mp.ROOT
const REPO = path.resolve(ROOT, '..')
const PNG_DIR = path.join(REPO, 'docs/screenshots')
const HTML_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'fenxiao-mp-shots-'))
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
const APP = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'))
const TAB_PAGES = new Set((APP.tabBar ? APP.tabBar.list : []).map((t) => t.pagePath))

/** 750 rpx is the screen's width: 0.5 px each on a 375 px phone. */
const rpxToPx = (css) => css.replace(/(-?\d*\.?\d+)rpx/gi, (all, n) => `${Number(n) / 2}px`)

// miniprogram-simulate (for WXSS) and j-component (for inline styles) turn 1 rpx into 1 px; for
// a picture of a phone it has to be 0.5 px.
simulateUtils.transformRpx = rpxToPx
jComponentUtils.transformRpx = rpxToPx

// The harness registers WeChat's built-in elements without properties, so an image's src and an
// input's value are dropped; registered again with them, they can be drawn.
const BUILT_IN_PROPERTIES = {
  image: ['src', 'mode'],
  input: ['value', 'placeholder', 'password'],
  textarea: ['value', 'placeholder'],
}
Object.entries(BUILT_IN_PROPERTIES).forEach(([name, keys]) => {
  jComponent.register({
    id: name,
    tagName: `wx-${name}`,
    template: '<slot/>',
    properties: Object.fromEntries(keys.map((key) => [key, { type: null, value: '' }])),
  })
})

// app.json's usingComponents are global in WeChat (t-icon is declared only there); the harness
// reads only each page's own JSON.
const readJson = simulateUtils.readJson
simulateUtils.readJson = (file) => {
  const json = readJson(file)
  if (json && json.usingComponents && !file.includes('miniprogram_npm')) {
    Object.entries(APP.usingComponents || {}).forEach(([tag, target]) => {
      if (!json.usingComponents[tag]) json.usingComponents[tag] = `/miniprogram_npm/${target}`
    })
  }
  return json
}

// app.wxss applies to every page; compiled with the page's own class prefix (`main`).
const APP_CSS = rpxToPx(wxss.compile(wxss.getContent(path.join(ROOT, 'app.wxss')), { prefix: 'main' }))

// TDesign's icons come from a web font on tdesign.gtimg.com, out of reach here: the few icons the
// screens show get a glyph from a local font, the rest stay blank.
const ICONS = {
  'chevron-right': '›',
  'chevron-left': '‹',
  check: '✓',
  home: '⌂',
  app: '⊞',
  cart: '▣',
  user: '☺',
  'user-circle': '☺',
  discount: '%',
  coupon: '%',
  gift: '❀',
  service: '☏',
  shop: '⌂',
  store: '⌂',
  wallet: '▭',
  send: '➚',
  'check-circle': '✓',
  'chart-bar': '▥',
  flag: '⚑',
  image: '▨',
  'money-circle': '¥',
  qrcode: '▩',
  usergroup: '⚇',
  search: '⌕',
  'info-circle': 'ⓘ',
  'error-circle': 'ⓘ',
  close: '×',
  add: '+',
  remove: '−',
  location: '◎',
}
const ICON_CSS = [
  '.t-icon--t-icon{font-family:"DejaVu Sans",sans-serif!important}',
  '.t-icon--t-icon-base.t-icon--t-icon-base:before{content:""}',
  ...Object.entries(ICONS).map(([name, glyph]) => `.t-icon--t-icon-base.t-icon--t-icon-${name}:before{content:"${glyph}"}`),
  '.t-icon--t-icon-base.t-icon--t-icon-circle:before,.t-icon--t-icon-base.t-icon--t-icon-check-circle-filled:before{content:"";display:inline-block;box-sizing:border-box;width:1em;height:1em;border-radius:50%;border:1px solid #bbb;vertical-align:top}',
  '.t-icon--t-icon-base.t-icon--t-icon-check-circle-filled:before{border:0;background:currentColor;box-shadow:inset 0 0 0 .3em currentColor,inset 0 0 0 .5em #fff}',
].join('\n')

// What WeChat's own elements look like before any page style.
const BASE_CSS = `
html{-webkit-text-size-adjust:none}
body{margin:0;font-family:-apple-system,"PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei","DejaVu Sans",sans-serif;font-size:16px;line-height:1.4;color:#000;background:${(APP.window && APP.window.backgroundColor) || '#fff'};-webkit-font-smoothing:antialiased}
main{display:block}
wx-view,wx-scroll-view,wx-swiper,wx-swiper-item,wx-navigator,wx-rich-text,wx-form,wx-picker,wx-picker-view,wx-movable-area,wx-cover-view,wx-radio-group,wx-checkbox-group{display:block}
wx-text,wx-label{display:inline}
wx-text{white-space:pre-line}
wx-image{display:inline-block;position:relative;overflow:hidden;width:320px;height:240px;vertical-align:top}
wx-image>img{display:block;width:100%;height:100%;object-fit:cover}
wx-image[data-mode=aspectFit]>img{object-fit:contain}
wx-image[data-mode=scaleToFill]>img{object-fit:fill}
wx-image[data-mode=widthFix]{height:auto}
wx-image[data-mode=widthFix]>img{height:auto}
wx-swiper{position:relative;overflow:hidden;height:150px}
wx-swiper-item{width:100%;height:100%;overflow:hidden}
wx-swiper-item~wx-swiper-item{display:none}
wx-scroll-view{overflow:hidden}
wx-button{display:block;position:relative;box-sizing:border-box;margin:0 auto;padding:0 14px;font-size:18px;line-height:2.55555556;text-align:center;border-radius:5px;color:#000;background:#f8f8f8;border:1px solid rgba(0,0,0,.2);overflow:hidden}
wx-input{display:block;height:1.4em;line-height:1.4em;overflow:hidden;white-space:nowrap}
wx-input .mp-placeholder,wx-textarea .mp-placeholder{color:#999}
wx-textarea{display:block;width:300px;height:150px;overflow:hidden}
wx-canvas{display:none}
wx-icon{display:inline-block}
.mp-status{position:fixed;z-index:9999;top:0;left:0;right:0;height:44px;font:600 15px/44px "DejaVu Sans",sans-serif;padding-left:28px}
.mp-nav{position:fixed;z-index:9999;top:44px;left:0;right:0;height:44px;line-height:44px;text-align:center;font-size:17px;font-weight:600}
.mp-capsule{position:absolute;right:7px;top:6px;width:87px;height:32px;box-sizing:border-box;border-radius:16px;border:1px solid rgba(0,0,0,.12);background:rgba(255,255,255,.6)}
.mp-capsule:before{content:"";position:absolute;left:43px;top:8px;width:1px;height:16px;background:rgba(0,0,0,.15)}
.mp-capsule i{position:absolute;top:13px;width:5px;height:5px;border-radius:50%;background:#000}
.mp-capsule b{position:absolute;right:13px;top:7px;width:16px;height:16px;box-sizing:border-box;border-radius:50%;border:2px solid #000}
.mp-capsule b:after{content:"";position:absolute;left:3px;top:3px;width:6px;height:6px;border-radius:50%;background:#000}
.mp-body{padding-top:88px}
`

function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], body: Buffer.concat(chunks) }))
    }).on('error', reject)
  })
}

const inlined = new Map()
/** The picture at `url` as a data URI (the live test server serves /media). */
async function dataUri(url) {
  if (!/^https?:/.test(url)) return url
  if (!inlined.has(url)) {
    const res = await get(url)
    inlined.set(url, res.status === 200 ? `data:${res.type || 'image/png'};base64,${res.body.toString('base64')}` : '')
  }
  return inlined.get(url)
}

const escapeHtml = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')

/** A copy of the rendered tree with what the browser needs to draw it: pictures, input values. */
async function prepare(root) {
  const copy = root.cloneNode(true)
  const originals = [root, ...root.querySelectorAll('*')]
  const copies = [copy, ...copy.querySelectorAll('*')]
  for (let i = 0; i < copies.length; i += 1) {
    const node = copies[i]
    const tag = node.tagName.toLowerCase()
    const source = originals[i].__wxElement
    const props = (source && source.data) || {}
    if (tag === 'wx-image') {
      const src = node.getAttribute('src') || props.src
      if (node.getAttribute('mode') || props.mode) node.setAttribute('data-mode', node.getAttribute('mode') || props.mode)
      if (src) {
        const img = node.ownerDocument.createElement('img')
        img.setAttribute('src', await dataUri(src))
        node.appendChild(img)
      }
    }
    if (node.hasAttribute('style')) node.setAttribute('style', rpxToPx(node.getAttribute('style')))
    // A count-down under an hour leaves its hours empty in the harness; WeChat shows 00.
    if (/__item\b/.test(node.getAttribute('class') || '') && /t-count-down/.test(node.getAttribute('class')) && !node.textContent) node.textContent = '00'
    if (tag === 'wx-input' || tag === 'wx-textarea') {
      const value = node.getAttribute('value') || props.value
      const placeholder = node.getAttribute('placeholder') || props.placeholder
      if (!node.textContent.trim() && (value || placeholder)) {
        const span = node.ownerDocument.createElement('span')
        if (!value) span.className = 'mp-placeholder'
        span.textContent = value || placeholder
        node.appendChild(span)
      }
    }
  }
  // t-image waits for the picture's load event, which jsdom never fires: show it as loaded.
  copy.querySelectorAll('[class*="t-image--t-image--loading"]').forEach((mask) => mask.remove())
  copy.querySelectorAll('[class*="t-image--t-image--lazy"]').forEach((img) => {
    img.setAttribute('class', img.getAttribute('class').replace(/\S*t-image--lazy\S*/g, ''))
  })
  return copy
}

function navigationBar(route) {
  const file = path.join(ROOT, `${route}.json`)
  const page = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {}
  const window = { ...(APP.window || {}), ...page }
  if (window.navigationStyle === 'custom') return ''
  const background = window.navigationBarBackgroundColor || '#fff'
  const color = window.navigationBarTextStyle === 'white' ? '#fff' : '#000'
  const bar = `background:${background};color:${color}`
  return `<div class="mp-status" style="${bar}">9:41</div><div class="mp-nav" style="${bar}">${escapeHtml(window.navigationBarTitleText || '')}<span class="mp-capsule"><i style="left:14px"></i><i style="left:22px"></i><i style="left:30px"></i><b></b></span></div>`
}

function styleOf(route) {
  const node = document.head.querySelector(`style#${mp.componentId(route)}`)
  return node ? node.textContent : ''
}

/** The page's CSS as a browser reads it: `page` is the body; no remote font. */
function browserCss(css) {
  return rpxToPx(css)
    .replace(/@font-face\{[^}]*\}/g, '')
    .replace(/(^|[\s,}>+~])page(?![-\w])/g, '$1body')
}

/**
 * Writes `page` (from mp.open) as docs/screenshots/mp-<name>.png. `scroll` shows the page from
 * that many px down, `tabBar` adds the custom tab bar (default: on tab pages).
 */
async function shoot(name, page, { scroll = 0, tabBar = TAB_PAGES.has(page.route), active } = {}) {
  const parts = [await prepare(page.component.dom)]
  const css = [styleOf(page.route)]
  if (tabBar) {
    const bar = mp.render('custom-tab-bar/index')
    const value = active || { 'pages/index/index': 'home', 'pages/category/index': 'category', 'pages/cart/index': 'cart', 'pages/me/index': 'me' }[page.route]
    if (value) bar.setData({ active: value })
    parts.push(await prepare(bar.dom))
    css.push(styleOf('custom-tab-bar/index'))
  }
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=375">
<style>${BASE_CSS}</style>
<style>${browserCss(APP_CSS)}</style>
${css.map((c) => `<style>${browserCss(c)}</style>`).join('\n')}
<style>${ICON_CSS}</style>
</head><body><div class="mp-body" style="margin-top:-${scroll}px">${parts.map((p) => p.outerHTML).join('')}</div>${navigationBar(page.route)}</body></html>`
  const htmlFile = path.join(HTML_DIR, `mp-${name}.html`)
  fs.writeFileSync(htmlFile, html)
  fs.mkdirSync(PNG_DIR, { recursive: true })
  const png = path.join(PNG_DIR, `mp-${name}.png`)
  execFileSync(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--force-device-scale-factor=2', '--window-size=375,812',
    `--screenshot=${png}`, `file://${htmlFile}`,
  ], { stdio: 'pipe', timeout: 60000 })
  return { html: htmlFile, png }
}

module.exports = { shoot, HTML_DIR }
