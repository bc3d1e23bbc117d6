/**
 * Starts one Fenxiao server for the whole jest run (scripts/miniprogram_test_server.py: sandbox
 * WeChat, its own database, demo catalogue) and hands its URL and environment to the test files.
 */
const { spawn } = require('child_process')
const path = require('path')
const { buildNpm } = require('./build-npm')

const REPO = path.resolve(__dirname, '../../..')
const PYTHON = process.env.FENXIAO_PYTHON || path.join(REPO, '.venv/bin/python')

module.exports = async function globalSetup() {
  buildNpm()
  const child = spawn(PYTHON, [path.join(REPO, 'scripts/miniprogram_test_server.py')], {
    cwd: REPO,
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  globalThis.__FENXIAO_SERVER__ = child
  const started = await new Promise((resolve, reject) => {
    let buffer = ''
    const timer = setTimeout(() => reject(new Error('Fenxiao test server did not start within 180 s')), 180000)
    child.on('exit', (code) => reject(new Error(`Fenxiao test server exited with ${code}`)))
    child.stdout.on('data', (chunk) => {
      buffer += chunk
      const line = buffer.split('\n').find((l) => l.startsWith('{"url"'))
      if (line) {
        clearTimeout(timer)
        resolve(JSON.parse(line))
      }
    })
  })
  process.env.FENXIAO_TEST_API = started.url
  process.env.FENXIAO_TEST_SERVER_ENV = JSON.stringify(started.env)
  process.env.FENXIAO_PYTHON = PYTHON
}
