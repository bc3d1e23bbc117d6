const globals = require('globals')

const wechat = {
  wx: 'readonly',
  App: 'readonly',
  Page: 'readonly',
  Component: 'readonly',
  Behavior: 'readonly',
  getApp: 'readonly',
  getCurrentPages: 'readonly',
  requirePlugin: 'readonly',
}

module.exports = [
  { ignores: ['node_modules/**', 'miniprogram_npm/**', 'coverage/**'] },
  {
    files: ['**/*.js'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'commonjs',
      globals: { ...globals.es2021, ...wechat },
    },
    rules: {
      'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }],
      'no-undef': 'error',
      'prefer-const': 'error',
      'no-var': 'error',
      eqeqeq: ['error', 'smart'],
      'no-console': 'error',
    },
  },
  {
    files: ['test/**/*.js', 'jest.config.js', 'babel.config.js', 'eslint.config.js'],
    languageOptions: { globals: { ...globals.node, ...globals.jest, ...globals.browser, ...wechat } },
    rules: { 'no-console': 'off' },
  },
]
