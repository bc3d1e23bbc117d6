/**
 * Runs before every test file: the wx double talking to the live server, and the WeChat globals
 * the pages use (App, Page, getApp, getCurrentPages). A page is written with WeChat's `Page()`;
 * here it becomes a j-component whose methods are the page's functions, so miniprogram-simulate
 * renders its WXML and the harness calls the lifecycle the way WeChat does.
 */
const path = require('path')
const { createWx } = require('./wx-double')

const ROOT = path.resolve(__dirname, '../..')
const apiBase = process.env.FENXIAO_TEST_API || 'http://127.0.0.1:9'
const double = createWx(apiBase)
global.wx = double.wx
global.__wxState = double.state
global.__wxApi = double.api

const app = { instance: null, stack: [] }
global.__mp = app

global.App = (definition) => {
  app.definition = definition
  app.instance = { ...definition, globalData: { ...(definition.globalData || {}) } }
}
global.getApp = () => app.instance || { globalData: {} }
global.getCurrentPages = () => app.stack.slice()

const PAGE_OPTIONS = new Set(['data', 'options', 'behaviors'])
global.Page = (definition) => {
  const methods = {}
  Object.keys(definition).forEach((key) => {
    if (typeof definition[key] === 'function') methods[key] = definition[key]
  })
  return Component({
    data: definition.data || {},
    behaviors: definition.behaviors || [],
    options: { ...(definition.options || {}) },
    methods,
    lifetimes: {
      created() {
        Object.keys(definition).forEach((key) => {
          if (!PAGE_OPTIONS.has(key) && typeof definition[key] !== 'function') this[key] = definition[key]
        })
      },
    },
  })
}

require('miniprogram-simulate')
require(path.join(ROOT, 'config.js')).apiBase = apiBase
