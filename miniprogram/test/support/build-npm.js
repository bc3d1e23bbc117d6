/**
 * What WeChat DevTools' 构建 npm does for this project: copy each mini-program package's
 * `miniprogram_dist` into `miniprogram_npm/<name>` so `usingComponents` paths such as
 * `tdesign-miniprogram/button/button` resolve. The jest run does the same before it loads pages.
 */
const fs = require('fs')
const path = require('path')

const ROOT = path.resolve(__dirname, '../..')
const PACKAGES = ['tdesign-miniprogram']

function buildNpm() {
  for (const name of PACKAGES) {
    const pkg = path.join(ROOT, 'node_modules', name)
    const dist = path.join(pkg, 'miniprogram_dist')
    const target = path.join(ROOT, 'miniprogram_npm', name)
    const version = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')).version
    const stamp = path.join(target, '.built-version')
    if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === version) continue
    // Built beside the target and renamed into place, so two test runs starting together (CI runs
    // the PostgreSQL and SQLite passes side by side) never see half a copy.
    const staging = `${target}.${process.pid}`
    fs.rmSync(staging, { recursive: true, force: true })
    fs.mkdirSync(path.dirname(target), { recursive: true })
    fs.cpSync(dist, staging, { recursive: true })
    fs.writeFileSync(path.join(staging, '.built-version'), version)
    fs.rmSync(target, { recursive: true, force: true })
    try {
      fs.renameSync(staging, target)
    } catch (err) {
      fs.rmSync(staging, { recursive: true, force: true }) // another run put the same copy in place
    }
  }
}

module.exports = { buildNpm }

if (require.main === module) buildNpm()
