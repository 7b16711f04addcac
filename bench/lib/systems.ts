// One adapter per system under test: seed a fresh data directory for a plan, start the server as a child
// process, and make phones that speak that system's protocol. Workloads only talk to this interface.

import { mkdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ApplyMode, Device, DeviceEvents } from '../clients/device.ts'
import { HocuspocusDevice } from '../clients/hocuspocus.ts'
import { RasoatYjsDevice } from '../clients/rasoat-yjs.ts'
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
  /** The server acknowledges each update (rasoat /sync ACK, Hocuspocus SyncStatus); else latency is edit→other phone. */
  acks: boolean
  /** Workloads this system takes part in (absent: all). */
  workloads?: readonly string[]
  prepare(tag: string, corpus: Corpus, plan: Plan): Promise<Prepared>
  start(p: Prepared): Promise<ServerProcess>
  device(
    server: ServerProcess,
    p: Prepared,
    name: string,
    households: string[],
    opts?: { knownSv?: Map<string, Uint8Array>; events?: DeviceEvents; apply?: ApplyMode },
  ): Device
}

function freshDir(tag: string): string {
  const dir = `${RUN_DIR}${tag}`
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  return dir
}

export function docsOf(corpus: Corpus, plan: Plan): Corpus['docs'] {
  const want = new Set(plan.stored)
  return corpus.docs.filter((d) => want.has(d.id))
}

function peer(name: 'hocuspocus' | 'ywebsocket', label: string): SystemAdapter {
  return {
    name,
    label,
    acks: name === 'hocuspocus',
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

async function prepareRasoatDir(
  tag: string,
  corpus: Corpus,
  plan: Plan,
  env: Record<string, string> = {},
): Promise<Prepared> {
  const dir = freshDir(tag)
  const tokens = await prepareRasoat(dir, docsOf(corpus, plan), plan)
  return { dir, env: { DATA_DIR: dir, ...env }, tokens }
}

export const SYSTEMS: Record<SystemName, SystemAdapter> = {
  rasoat: {
    name: 'rasoat',
    label: 'rasoat relay (/sync, durable acks)',
    acks: true,
    prepare: (tag, corpus, plan) => prepareRasoatDir(`rasoat-${tag}`, corpus, plan),
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
  'rasoat-yjs': {
    name: 'rasoat-yjs',
    label: 'rasoat relay (/yjs, stock y-websocket protocol, commit before fan-out, no acks)',
    acks: false,
    workloads: ['W1'],
    // One socket per household per phone, as the y-websocket client opens them: the per-user socket cap (8 by
    // default, /sync needs one) is raised to fit, as an installation serving such clients would set it.
    prepare: (tag, corpus, plan) =>
      prepareRasoatDir(`rasoat-yjs-${tag}`, corpus, plan, { RELAY_MAX_CONNECTIONS_PER_USER: '100000' }),
    start: (p) => startServer('rasoat', p.env, 120_000),
    device(server, p, devName, households, opts = {}) {
      return new RasoatYjsDevice({
        url: `ws://127.0.0.1:${server.port}/yjs`,
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
