#!/usr/bin/env node
// `npm start`: build the client when it is missing or older than its sources, then run the server
// (embedded SQLite under DATA_DIR; an empty DATA_DIR is seeded with demo data and the demo logins are printed).
import { spawnSync, spawn } from 'node:child_process'
import { existsSync, statSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { RELAY_NODE_ARGS } from '../server/node-flags.mjs'

const root = new URL('..', import.meta.url).pathname
const built = join(root, 'dist', 'client', 'index.html')

function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

const sources = ['client', 'shared'].map((d) => newestMtime(join(root, d)))
const stale =
  !existsSync(built) || Math.max(...sources, statSync(join(root, 'vite.config.ts')).mtimeMs) > statSync(built).mtimeMs
if (stale) {
  console.log('Building the client…')
  const r = spawnSync(join(root, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

const server = spawn(process.execPath, RELAY_NODE_ARGS, {
  cwd: root,
  stdio: 'inherit',
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal))
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)))
