// The local Bluesky network for socialops' connector tests: a PLC directory and a PDS
// (@atproto/dev-env's TestNetworkNoAppView) in this one Node process, with the accounts
// alice.test and bob.test (password hunter2). Started by scripts/local-pds.sh, which installs
// the packages into .local-pds/ and runs this file with the Node 22 binary found there.
//
// Environment: PDS_PORT (default 2583), PLC_PORT (default PDS_PORT + 1), LOCAL_PDS_HOME (the
// install folder, default <repo>/.local-pds), LOCAL_PDS_READY (a file written with the
// PDS_URL line once the accounts exist, removed on exit), LOCAL_PDS_WATCH_PID (optional: end
// when that process is gone, so a killed test run leaves no network behind).
//
// Runs until SIGTERM or SIGINT, then closes the network cleanly.
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const home = path.resolve(process.env.LOCAL_PDS_HOME || path.join(here, '..', '..', '.local-pds'))
const pdsPort = Number(process.env.PDS_PORT || 2583)
const plcPort = Number(process.env.PLC_PORT || pdsPort + 1)
const readyFile = process.env.LOCAL_PDS_READY || ''
const watchPid = Number(process.env.LOCAL_PDS_WATCH_PID || 0)
const PASSWORD = 'hunter2'
const ACCOUNTS = ['alice', 'bob']

const log = (msg) => process.stderr.write(`local-pds: ${msg}\n`)

function fail(msg) {
  log(msg)
  process.exit(1)
}

if (!Number.isInteger(pdsPort) || pdsPort <= 0 || pdsPort > 65535) fail(`bad PDS_PORT: ${process.env.PDS_PORT}`)
if (!Number.isInteger(plcPort) || plcPort <= 0 || plcPort > 65535) fail(`bad PLC_PORT: ${process.env.PLC_PORT}`)

// dev-env is ESM only and lives in the install folder, not next to this file: resolve it from there
let devEnv
try {
  const resolve = createRequire(path.join(home, 'package.json')).resolve
  const entry = resolve('@atproto/dev-env')
  // the network module alone loads in about 2/3 of the time of the whole package (which also
  // loads the AppView and Ozone); the package entry if a future version moves it
  const direct = path.join(path.dirname(entry), 'network-no-appview.js')
  devEnv = await import(pathToFileURL(fs.existsSync(direct) ? direct : entry).href)
} catch (err) {
  fail(`cannot load @atproto/dev-env from ${home} (run scripts/local-pds.sh start): ${err.message}`)
}

let net = null
let closing = false

async function shutdown(code) {
  if (closing) return
  closing = true
  if (readyFile) fs.rmSync(readyFile, { force: true })
  if (net) {
    try {
      await net.close()
    } catch (err) {
      log(`close: ${err.message}`)
    }
  }
  process.exit(code)
}

process.on('SIGTERM', () => shutdown(0))
process.on('SIGINT', () => shutdown(0))
process.on('SIGHUP', () => shutdown(0))

try {
  net = await devEnv.TestNetworkNoAppView.create({ pds: { port: pdsPort }, plc: { port: plcPort } })
} catch (err) {
  fail(`cannot start the network (PDS port ${pdsPort}, PLC port ${plcPort}): ${err.code || ''} ${err.message}`)
}
if (closing) process.exit(0)

const agent = net.pds.getAgent()
for (const name of ACCOUNTS) {
  const handle = `${name}.test`
  try {
    const { data } = await agent.com.atproto.server.createAccount({
      handle,
      email: `${name}@test.invalid`,
      password: PASSWORD,
    })
    log(`account ${handle} ${data.did}`)
  } catch (err) {
    if (/already (taken|exists)|in use/i.test(String(err.message))) {
      log(`account ${handle} already exists`)
    } else {
      log(`cannot create the account ${handle}: ${err.message}`)
      await shutdown(1)
    }
  }
}

const line = `PDS_URL=http://127.0.0.1:${pdsPort}`
if (readyFile) {
  const tmp = `${readyFile}.tmp`
  fs.writeFileSync(tmp, `${line}\n`)
  fs.renameSync(tmp, readyFile)
}
log(`ready: PDS ${net.pds.url}, PLC ${net.plc.url}`)
process.stdout.write(`${line}\n`)

if (watchPid > 0) {
  setInterval(() => {
    try {
      process.kill(watchPid, 0)
    } catch (err) {
      if (err.code !== 'ESRCH') return
      log(`process ${watchPid} is gone: closing`)
      shutdown(0)
    }
  }, 1000).unref()
}

// keep running until a signal arrives
setInterval(() => {}, 1 << 30)
