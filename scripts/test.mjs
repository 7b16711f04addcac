#!/usr/bin/env node
// `npm test`: everything a fresh machine needs to run every test — Chromium for the end-to-end suite, PostgreSQL and
// Redis for the second back end and the relays past one machine, the lint (ESLint + Prettier check), the typecheck,
// a client build, then vitest (unit + integration on SQLite, integration on PostgreSQL, e2e) — ending with one summary line.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, mkdirSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env, ...opts })
  return r.status ?? 1
}

function ensureChromium() {
  if (existsSync(chromium)) return
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot) {
    console.error(
      `Chromium is missing: run "sudo apt-get install -y chromium" (or set CHROMIUM_PATH), then npm test again.`,
    )
    process.exit(1)
  }
  console.log('Installing Chromium with apt-get (needed by the end-to-end tests)…')
  if (
    run('apt-get', ['update', '-qq']) !== 0 ||
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium']) !== 0
  ) {
    console.error('apt-get could not install chromium; install it by hand and run npm test again.')
    process.exit(1)
  }
}

// PostgreSQL and Redis: given by the environment, or (as root) installed and started by scripts/engines.sh, which
// .ci/run uses too; what it started is stopped when the tests end.
function ensureEngines() {
  if (process.env.RASOAT_TEST_DATABASE_URL && process.env.RASOAT_TEST_REDIS_URL) return
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot) {
    console.error(
      'PostgreSQL and Redis are needed: set RASOAT_TEST_DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/DB (a role that may create databases) and RASOAT_TEST_REDIS_URL=redis://HOST:PORT (README "Tests on PostgreSQL and Redis"), or run npm test as root to set them up, then npm test again.',
    )
    process.exit(1)
  }
  console.log('Starting PostgreSQL and Redis for the tests (installed with apt-get when missing)…')
  const state = join(outDir, 'engines.state')
  const script = join(root, 'scripts', 'engines.sh')
  const r = spawnSync('bash', [script, 'start', state], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
  process.on('exit', () => {
    spawnSync('bash', [script, 'stop', state], { cwd: root, stdio: 'inherit' })
  })
  // Ctrl-C or a CI timeout: leave through 'exit', so the engines started here stop too.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130))
  if (r.status !== 0) {
    console.error('PostgreSQL or Redis could not be set up; see the lines above, fix, and run npm test again.')
    process.exit(1)
  }
  for (const line of r.stdout.toString().split('\n')) {
    const at = line.indexOf('=')
    // A URL the caller gave stays; only the missing one comes from the engines started here.
    if (at > 0) process.env[line.slice(0, at)] ||= line.slice(at + 1)
  }
}

const bin = (name) => join(root, 'node_modules', '.bin', name)
const outDir = join(root, '.tmp')
mkdirSync(outDir, { recursive: true })

ensureChromium()
ensureEngines()

console.log('\n== lint (ESLint + Prettier check)')
if (run('npm', ['run', '--silent', 'lint']) !== 0) {
  console.error('lint failed (npm run lint; npm run format fixes formatting)')
  console.log('0 passed, 1 failed')
  process.exit(1)
}

console.log('\n== typecheck (svelte-check + tsc)')
if (run('npm', ['run', '--silent', 'check']) !== 0) {
  console.error('typecheck failed')
  console.log('0 passed, 1 failed')
  process.exit(1)
}

console.log('\n== build client')
if (run(bin('vite'), ['build', '--logLevel', 'warn']) !== 0) {
  console.error('client build failed')
  console.log('0 passed, 1 failed')
  process.exit(1)
}

// Unit and integration tests in parallel workers; the server suites again on PostgreSQL (RASOAT_TEST_ENGINE=postgres:
// every database a test opens becomes a schema of one database per run, SQLite-only tests left out — vitest.config.ts,
// docs/server.md "PostgreSQL"); then the browser suite one file at a time (2 cores).
const { RASOAT_TEST_ENGINE: _engine, ...sqliteEnv } = process.env
const suites = [
  { name: 'unit + integration (SQLite)', args: ['run', '--exclude', 'e2e/**'], env: sqliteEnv },
  {
    name: 'integration (PostgreSQL)',
    args: ['run', 'server/'],
    env: { ...sqliteEnv, RASOAT_TEST_ENGINE: 'postgres' },
  },
  {
    name: 'end-to-end (headless Chromium)',
    args: ['run', 'e2e/', '--maxWorkers=1', '--no-file-parallelism', '--testTimeout=240000'],
    env: sqliteEnv,
  },
]
let passed = 0
let failed = 0
let skipped = 0
let exitCode = 0
/** Failed tests by pass, repeated at the end: a long log's tail still says what failed. */
const failures = []
for (const [i, suite] of suites.entries()) {
  console.log(`\n== ${suite.name}`)
  const report = join(outDir, `vitest-${i}.json`)
  // A report left by an earlier run would be read as this run's result if vitest died before writing one.
  rmSync(report, { force: true })
  const status = run(
    bin('vitest'),
    [...suite.args, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    { env: suite.env },
  )
  if (status !== 0) exitCode = status
  if (!existsSync(report)) {
    failed += 1
    exitCode ||= 1
    continue
  }
  const json = JSON.parse(readFileSync(report, 'utf8'))
  passed += json.numPassedTests ?? 0
  // A file that fails to load has no failed tests of its own: count it, or a broken suite would read as green.
  failed += Math.max(json.numFailedTests ?? 0, json.numFailedTestSuites ?? 0)
  skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0)
  for (const file of json.testResults ?? []) {
    const name = relative(root, file.name ?? '')
    const tests = (file.assertionResults ?? []).filter((t) => t.status === 'failed')
    for (const t of tests) failures.push(`${suite.name}: ${name} > ${t.fullName ?? t.title}`)
    if (tests.length === 0 && file.status === 'failed') failures.push(`${suite.name}: ${name} (did not load or run)`)
  }
}
console.log('')
if (failures.length > 0) console.log(`Failed:\n${failures.map((f) => `  ${f}`).join('\n')}`)
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(exitCode || (failed > 0 ? 1 : 0))
