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
  maxWorkers: 2,
}
