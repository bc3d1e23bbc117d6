module.exports = {
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.js'],
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  setupFiles: ['<rootDir>/test/support/setup-globals.js'],
  // TDesign ships ES modules for WeChat's own compiler; jest needs them as CommonJS.
  transform: { 'miniprogram_npm/.+\\.js$': 'babel-jest' },
  testTimeout: 60000,
  // One file at a time: every file talks to the same server, and some switch platform settings
  // (the distributor policy, the withdrawal fee) for a test and put them back; run side by side,
  // another file would see the switched setting. CI already runs two passes on two cores.
  maxWorkers: 1,
}
