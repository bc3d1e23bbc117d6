/**
 * The README's mini-program screenshots: `npm run screenshots`. A separate config so that
 * `npm test` never runs them (they write docs/screenshots/ and start chromium).
 */
const base = require('../../jest.config')

module.exports = {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/screenshots'],
  testMatch: ['**/*.shots.js'],
  maxWorkers: 1,
  testTimeout: 300000,
}
