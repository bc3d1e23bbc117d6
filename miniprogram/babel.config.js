// Only for jest: turns TDesign's ES modules (miniprogram_npm) into CommonJS. WeChat DevTools
// compiles the mini-program itself.
module.exports = { plugins: ['@babel/plugin-transform-modules-commonjs'] }
