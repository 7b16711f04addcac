// One adapter per system under test: seed a fresh data directory for a plan, start the server as a child
// process, and make phones that speak that system's protocol. Workloads only talk to this interface.

import { mkdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Device, DeviceEvents } from '../clients/device.ts'
import { HocuspocusDevice } from '../clients/hocuspocus.ts'
import { YWebsocketDevice } from '../clients/ywebsocket.ts'
import type { Corpus } from './corpus.ts'
import type { Plan } from './plan.ts'
import { startServer, type ServerProcess, type SystemName } from './server-process.ts'
import { seedPeerDb } from '../servers/peer-store.ts'
import { prepareRasoat, RasoatDevice } from './rasoat-system.ts'

export const RUN_DIR = fileURLToPath(new URL('../../.tmp/bench/run/', import.meta.url))

export interface Prepared {
  dir: string
  env: Record<string, string>
  /** device name → bearer token (rasoat) */
  tokens: Map<string, string>
}

export interface SystemAdapter {
  name: SystemName
  label: string
  prepare(tag: string, corpus: Corpus, plan: Plan): Promise<Prepared>
  start(p: Prepared): Promise<ServerProcess>
  device(
    server: ServerProcess,
    p: Prepared,
    name: string,
    households: string[],
    opts?: { knownSv?: Map<string, Uint8Array>; events?: DeviceEvents },
  ): Device
}

function freshDir(tag: string): string {
  const dir = `${RUN_DIR}${tag}`
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  return dir
}

function docsOf(corpus: Corpus, plan: Plan): Corpus['docs'] {
  const want = new Set(plan.stored)
  return corpus.docs.filter((d) => want.has(d.id))
}

function peer(name: 'hocuspocus' | 'ywebsocket', label: string): SystemAdapter {
  return {
    name,
    label,
    async prepare(tag, corpus, plan) {
      const dir = freshDir(`${name}-${tag}`)
      const file = `${dir}/peer.sqlite`
      seedPeerDb(file, docsOf(corpus, plan))
      return { dir, env: { DB_FILE: file }, tokens: new Map() }
    },
    start: (p) => startServer(name, p.env),
    device(server, _p, devName, households, opts = {}) {
      const Cls = name === 'hocuspocus' ? HocuspocusDevice : YWebsocketDevice
      return new Cls({ url: `ws://127.0.0.1:${server.port}`, name: devName, households, ...opts })
    },
  }
}

export const SYSTEMS: Record<SystemName, SystemAdapter> = {
  rasoat: {
    name: 'rasoat',
    label: 'rasoat relay (/sync, durable acks)',
    async prepare(tag, corpus, plan) {
      const dir = freshDir(`rasoat-${tag}`)
      const tokens = await prepareRasoat(dir, docsOf(corpus, plan), plan)
      return { dir, env: { DATA_DIR: dir }, tokens }
    },
    start: (p) => startServer('rasoat', p.env, 120_000),
    device(server, p, devName, households, opts = {}) {
      return new RasoatDevice({
        url: `ws://127.0.0.1:${server.port}/sync`,
        name: devName,
        households,
        token: p.tokens.get(devName) ?? '',
        ...opts,
      })
    },
  },
  hocuspocus: peer('hocuspocus', '@hocuspocus/server 3.4.4 (SyncStatus acks, debounced store)'),
  ywebsocket: peer('ywebsocket', '@y/websocket-server 0.1.1 (socket per doc, no acks)'),
}
