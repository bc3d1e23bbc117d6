module.exports = async function globalTeardown() {
  const child = globalThis.__FENXIAO_SERVER__
  if (!child || child.exitCode !== null) return
  await new Promise((resolve) => {
    child.on('exit', resolve)
    child.kill('SIGTERM')
  })
}
