/**
 * Opens mini-program pages the way WeChat does and drives them like a person: the app launches
 * (or shows again) with the entry's path and query, the page renders its WXML with the real
 * TDesign components, `onLoad`/`onShow` run, and every `wx.request` the page starts is answered by
 * the live server before `settle()` returns.
 */
const fs = require('fs')
const path = require('path')
const babel = require('@babel/core')
const { execFileSync } = require('child_process')
const simulate = require('miniprogram-simulate')
const simulateUtils = require('miniprogram-simulate/src/utils')

const ROOT = path.resolve(__dirname, '../..')
const REPO = path.resolve(ROOT, '..')
const state = global.__wxState
const appState = global.__mp

// `tdesign-miniprogram/button/button` means miniprogram_npm/tdesign-miniprogram/button/button, as
// after DevTools' 构建 npm; miniprogram-simulate only knows relative and root-absolute paths.
const readJson = simulateUtils.readJson
simulateUtils.readJson = (file) => {
  const json = readJson(file)
  if (json && json.usingComponents) {
    Object.keys(json.usingComponents).forEach((tag) => {
      const target = json.usingComponents[tag]
      if (!target.startsWith('.') && !target.startsWith('/')) json.usingComponents[tag] = `/miniprogram_npm/${target}`
    })
  }
  return json
}

// WeChat runs a component's code for every page that uses it; miniprogram-simulate re-runs it per
// load by deleting it from require.cache, which jest's own module registry ignores, so a second
// page in one test file would find its components unregistered. Here the component file itself is
// evaluated afresh on each load while what it requires (services, TDesign's common code) comes
// from jest's registry, shared as in the real app. TDesign's ES modules go through the same Babel
// transform jest applies.
const compiledComponents = new Map()

function componentFunction(file) {
  if (!compiledComponents.has(file)) {
    let code = fs.readFileSync(file, 'utf8')
    if (/^\s*(import|export)\b/m.test(code) || /\bimport\s*[{\w]/.test(code.slice(0, 200))) {
      code = babel.transformSync(code, { filename: file, babelrc: false, configFile: false, plugins: ['@babel/plugin-transform-modules-commonjs'] }).code
    }
    compiledComponents.set(file, new Function('require', 'module', 'exports', '__filename', '__dirname', code))
  }
  return compiledComponents.get(file)
}

simulateUtils.runJs = (componentPath) => {
  const file = componentPath.endsWith('.js') ? componentPath : `${componentPath}.js`
  const dir = path.dirname(file)
  const localRequire = (request) => require(request.startsWith('.') ? path.resolve(dir, request) : require.resolve(request, { paths: [dir] }))
  const module = { exports: {} }
  componentFunction(file)(localRequire, module, module.exports, file, dir)
}

const loaded = new Map()

function componentId(route) {
  if (!loaded.has(route)) loaded.set(route, simulate.load(path.join(ROOT, route), { rootPath: ROOT, compilerOptions: { maxBuffer: 64 * 1024 * 1024 } }))
  return loaded.get(route)
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

/** Waits until no request is in flight and the page's promise chains have run out. */
async function settle(timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs
  let quiet = 0
  while (quiet < 3) {
    if (Date.now() > deadline) throw new Error(`requests still in flight after ${timeoutMs} ms`)
    await tick()
    quiet = state.inflight === 0 ? quiet + 1 : 0
  }
}

function launchApp(entry) {
  if (!appState.instance) {
    if (appState.definition) global.App(appState.definition)
    else require(path.join(ROOT, 'app.js'))
    if (appState.instance.onLaunch) appState.instance.onLaunch(entry)
  }
  if (appState.instance.onShow) appState.instance.onShow(entry)
}

function find(page, selector) {
  const node = page.component.querySelector(selector)
  if (!node) throw new Error(`no element matches ${selector} on ${page.route}`)
  return node
}

function wrap(route, component, query) {
  const page = {
    route,
    query,
    component,
    get instance() { return component.instance },
    get data() { return component.data },
    settle,
    /** The rendered text, whitespace collapsed: what the person sees. */
    text() { return component.dom.textContent.replace(/\s+/g, ' ').trim() },
    has(selector) { return Boolean(component.querySelector(selector)) },
    all(selector) { return component.querySelectorAll(selector) },
    /** Taps an element: a native node gets a tap event, a component (t-button...) emits its own. */
    async tap(selector, detail = {}) {
      const node = find(page, selector)
      if (node.dom) node.dispatchEvent('tap', { detail })
      else node.instance.triggerEvent('tap', detail)
      await settle()
    },
    /** Emits a component or native event by name (`change`, `input`, `click`...). */
    async trigger(selector, name, detail = {}) {
      const node = find(page, selector)
      if (node.instance && node.instance.triggerEvent && !['tap', 'input', 'blur', 'confirm'].includes(name)) node.instance.triggerEvent(name, detail)
      else if (node.dom) node.dispatchEvent(name, { detail })
      else node.instance.triggerEvent(name, detail)
      await settle()
    },
    async input(selector, value) {
      return page.trigger(selector, 'change', { value })
    },
    /** Calls a page method directly, as WeChat does for lifecycle and share hooks. */
    async call(method, ...args) {
      const result = await component.instance[method](...args)
      await settle()
      return result
    },
    async pullDown() { return page.call('onPullDownRefresh') },
    async reachBottom() { return page.call('onReachBottom') },
    share(from = 'menu') { return component.instance.onShareAppMessage({ from }) },
    shareTimeline() { return component.instance.onShareTimeline() },
  }
  return page
}

/**
 * Opens `route` with `query`. `entry: true` treats it as how the user entered the mini-program
 * (a shared link, a code scanned): the app's onLaunch/onShow see the same path and query.
 */
async function open(route, query = {}, { entry = false } = {}) {
  if (entry || !appState.instance) launchApp({ path: route, query, scene: query.scene ? 1047 : 1007 })
  const component = simulate.render(componentId(route))
  component.attach(document.createElement('parent-wrapper'))
  component.instance.route = route
  component.instance.options = query
  appState.stack.push(component.instance)
  const page = wrap(route, component, query)
  await settle()
  if (component.instance.onLoad) await component.instance.onLoad(query)
  if (component.instance.onShow) await component.instance.onShow()
  await settle()
  return page
}

/** Loads a page or component definition and renders it without running any lifecycle. */
function render(route, props) {
  const component = simulate.render(componentId(route), props)
  component.attach(document.createElement('parent-wrapper'))
  return component
}

/** Switches to another WeChat user: new identity, empty storage, app launched afresh. */
function as(identity) {
  state.identity = identity
  state.storage.clear()
  appState.instance = null
  appState.stack.length = 0
}

function lastNavigation() {
  return state.navigations[state.navigations.length - 1]
}

/** Runs a `fenxiao` management command against the test server's database (e.g. sweep). */
function fenxiao(...args) {
  const env = { ...process.env, ...JSON.parse(process.env.FENXIAO_TEST_SERVER_ENV || '{}') }
  return execFileSync(path.join(REPO, '.venv/bin/fenxiao'), args, { env, encoding: 'utf8' })
}

module.exports = { open, render, settle, as, state, lastNavigation, fenxiao, componentId, api: global.__wxApi, ROOT }
