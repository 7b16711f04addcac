// What the numbers were measured on: machine, Node, package versions and CPU pinning, recorded with every run.

import { execSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

export interface MachineInfo {
  nproc: number
  cpuModel: string
  ramGiB: number
  node: string
  os: string
  packages: Record<string, string>
  pinning: string
  gitCommit: string
}

function pkgVersion(name: string): string {
  try {
    const file = require.resolve(`${name}/package.json`)
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
  } catch {
    try {
      const text = readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), 'utf8')
      return (JSON.parse(text) as { version: string }).version
    } catch {
      return 'not installed'
    }
  }
}

function sh(cmd: string): string {
  try {
    return execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return 'unknown'
  }
}

export function machineInfo(pinning: string): MachineInfo {
  const names = [
    'yjs',
    'y-protocols',
    'lib0',
    'ws',
    'better-sqlite3',
    'hono',
    '@hono/node-server',
    '@hono/node-ws',
    '@hocuspocus/server',
    '@hocuspocus/provider',
    '@y/websocket-server',
    'y-websocket',
    'playwright-core',
    'vite',
    'tsx',
  ]
  return {
    nproc: Number(sh('nproc --all')) || cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: sh('uname -sr'),
    packages: Object.fromEntries(names.map((n) => [n, pkgVersion(n)])),
    pinning,
    gitCommit: sh('git rev-parse --short HEAD'),
  }
}
