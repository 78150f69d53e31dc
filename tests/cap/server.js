// Project-local bootstrap, picked up by `cds-serve` (node_modules/@sap/cds/bin/serve.js).
// - Binds to 127.0.0.1 (CAP's own app.listen(port) binds every interface), or to $CAP_HOST.
// - Prints one machine-readable line with the real address once listening, so a caller can
//   start it with `--port 0` and read the port the OS picked.
// - With CAP_EXIT_WITH_STDIN=1 the process exits when its stdin closes, so a test harness
//   that dies without cleaning up leaves no server behind.
const cds = require('@sap/cds')

const host = process.env.CAP_HOST || '127.0.0.1'

cds.on('bootstrap', app => {
  const listen = app.listen
  app.listen = function (port, ...rest) {
    return listen.call(this, port, host, ...rest)
  }
})

cds.once('listening', ({ server }) => {
  const { address, port } = server.address()
  const shown = address.includes(':') ? `[${address}]` : address
  console.log(`CAP_TEST_SERVER_LISTENING http://${shown}:${port}`)
})

if (process.env.CAP_EXIT_WITH_STDIN === '1') {
  const bye = () => process.exit(0)
  process.stdin.on('end', bye)
  process.stdin.on('close', bye)
  process.stdin.on('error', bye)
  process.stdin.resume()
}

module.exports = cds.server
