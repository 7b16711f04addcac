// One adapter per system under test: seed a fresh data directory for a plan, start the server as a child
// process, and make phones that speak that system's protocol. Workloads only talk to this interface.

import { mkdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Device } from '../clients/device.ts'
import { makeDevice, type DeviceExtras, type DeviceSpec } from '../clients/make.ts'
import type { Corpus } from './corpus.ts'
import type { Plan } from './plan.ts'
import { startServer, type ServerProcess, type SystemName } from './server-process.ts'
import { seedPeerDb } from '../servers/peer-store.ts'
import { prepareRasoat } from './rasoat-system.ts'

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
  /** Which client a phone runs and where it connects, as data (W1's simulator threads build their phones from it). */
  deviceSpec(server: ServerProcess, p: Prepared, name: string, households: string[]): DeviceSpec
  device(server: ServerProcess, p: Prepared, name: string, households: string[], opts?: DeviceExtras): Device
}

/** `device` for an adapter: the phone its `deviceSpec` describes. */
export function withDevices(sys: Omit<SystemAdapter, 'device'>): SystemAdapter {
  return {
    ...sys,
    device: (server, p, name, households, opts) => makeDevice(sys.deviceSpec(server, p, name, households), opts),
  }
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
  return withDevices({
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
    deviceSpec: (server, _p, devName, households) => ({
      client: name,
      url: `ws://127.0.0.1:${server.port}`,
      name: devName,
      households,
    }),
  })
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
  rasoat: withDevices({
    name: 'rasoat',
    label: 'rasoat relay (/sync, durable acks)',
    acks: true,
    prepare: (tag, corpus, plan) => prepareRasoatDir(`rasoat-${tag}`, corpus, plan),
    start: (p) => startServer('rasoat', p.env, 120_000),
    deviceSpec: (server, p, devName, households) => ({
      client: 'rasoat',
      url: `ws://127.0.0.1:${server.port}/sync`,
      name: devName,
      households,
      token: p.tokens.get(devName) ?? '',
    }),
  }),
  'rasoat-yjs': withDevices({
    name: 'rasoat-yjs',
    label: 'rasoat relay (/yjs, stock y-websocket protocol, commit before fan-out, no acks)',
    acks: false,
    workloads: ['W1'],
    // One socket per household per phone, as the y-websocket client opens them: the per-user socket cap (8 by
    // default, /sync needs one) is raised to fit, as an installation serving such clients would set it.
    prepare: (tag, corpus, plan) =>
      prepareRasoatDir(`rasoat-yjs-${tag}`, corpus, plan, { RELAY_MAX_CONNECTIONS_PER_USER: '100000' }),
    start: (p) => startServer('rasoat', p.env, 120_000),
    deviceSpec: (server, p, devName, households) => ({
      client: 'rasoat-yjs',
      url: `ws://127.0.0.1:${server.port}/yjs`,
      name: devName,
      households,
      token: p.tokens.get(devName) ?? '',
    }),
  }),
  hocuspocus: peer('hocuspocus', '@hocuspocus/server 3.4.4 (SyncStatus acks, debounced store)'),
  ywebsocket: peer('ywebsocket', '@y/websocket-server 0.1.1 (socket per doc, no acks)'),
}
