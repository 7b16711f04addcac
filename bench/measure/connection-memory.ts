// What an idle, in-sync connection costs the rasoat server: RSS slope and a heap-snapshot diff by object kind, for
// /sync phones and for /yjs sockets. `npx tsx bench/measure/connection-memory.ts [--n 1000] [--yjs|--cold] [--no-heap]`
// (--cold: /sync phones that had the household sent to them on connecting, as W4's third group).
// The server is its own child process (as in the workloads); snapshots are written by it on SIGUSR1. Two groups of N
// give the RSS slopes (as W4: the second excludes one-time growth); a third group, between two snapshots, the diff.

import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { loadavg } from 'node:os'
import WebSocket from 'ws'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { loadCorpus } from '../lib/corpus.ts'
import type { Plan } from '../lib/plan.ts'
import { killAllServers } from '../lib/server-process.ts'
import { mapLimit, round, sleep } from '../lib/stats.ts'
import { SYSTEMS } from '../lib/systems.ts'
import type { Device } from '../clients/device.ts'
import { heapDiff } from './heap-diff.ts'
import { settledRssKiB } from './settle.ts'

const argv = process.argv
const arg = (name: string, dflt: string): string => {
  const i = argv.indexOf(name)
  return i >= 0 ? (argv[i + 1] ?? dflt) : dflt
}
const N = Number(arg('--n', '1000'))
const yjs = argv.includes('--yjs')
const cold = argv.includes('--cold')
const heap = !argv.includes('--no-heap')
const HEAP_DIR = new URL('../../.tmp/bench/heap/', import.meta.url).pathname

process.on('exit', killAllServers)

async function snapshot(pid: number): Promise<string> {
  const before = new Set(readdirSync(HEAP_DIR))
  process.kill(pid, 'SIGUSR1')
  for (;;) {
    await sleep(500)
    const added = readdirSync(HEAP_DIR).filter((x) => !before.has(x) && x.endsWith('.heapsnapshot'))
    const f = added[0]
    if (f === undefined) continue
    // written when its size stops changing
    const a = statSync(HEAP_DIR + f).size
    await sleep(1000)
    if (statSync(HEAP_DIR + f).size === a && a > 0) return HEAP_DIR + f
  }
}

/** A minimal in-sync y-websocket client of /yjs/<id>: step1 out, the server's step1 answered, step2 awaited. */
function yjsClient(url: string, doc: Y.Doc): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    const frame = (sub: number, bytes: Uint8Array): Uint8Array => {
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, 0)
      encoding.writeVarUint(e, sub)
      encoding.writeVarUint8Array(e, bytes)
      return encoding.toUint8Array(e)
    }
    ws.on('open', () => ws.send(frame(0, Y.encodeStateVector(doc))))
    ws.on('error', reject)
    ws.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(new Uint8Array(data))
      if (decoding.readVarUint(d) !== 0) return
      const sub = decoding.readVarUint(d)
      const payload = decoding.readVarUint8Array(d)
      if (sub === 0) ws.send(frame(1, Y.encodeStateAsUpdate(doc, payload)))
      else if (sub === 1) resolve(ws)
    })
  })
}

async function main(): Promise<void> {
  rmSync(HEAP_DIR, { recursive: true, force: true })
  mkdirSync(HEAP_DIR, { recursive: true })
  const corpus = await loadCorpus(600)
  const first = corpus.docs[0]!
  const names = Array.from({ length: 3 * N + 1 }, (_, i) => `cm-${i}`)
  const plan: Plan = { groups: [{ name: 'idle', households: [first.id], devices: names }], stored: [first.id] }
  const sys = SYSTEMS.rasoat
  const prep = await sys.prepare('connection-memory', corpus, plan)
  if (heap) prep.env.NODE_OPTIONS = `--heapsnapshot-signal=SIGUSR1 --diagnostic-dir=${HEAP_DIR}`
  const server = await sys.start(prep)
  const settled = (): Promise<number> => settledRssKiB(server, 1500)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, first.state)
  let probe: Device | null = null
  const open = async (from: number, to: number): Promise<void> => {
    const batch = names.slice(from, to)
    if (yjs) {
      await mapLimit(batch, 32, (n) =>
        yjsClient(
          `ws://127.0.0.1:${server.port}/yjs/${first.id}?token=${encodeURIComponent(prep.tokens.get(n) ?? '')}`,
          doc,
        ),
      )
      return
    }
    await mapLimit(batch, 32, (n) => {
      const d = sys.device(server, prep, n, [first.id])
      if (probe && !cold) d.learnFrom(probe)
      return d.connect(60_000)
    })
  }
  if (!yjs) {
    probe = sys.device(server, prep, names[0]!, [first.id])
    await probe.connect(60_000)
  }
  const base = await settled()
  await open(1, N + 1) // warm-up group: one-time growth of heap and pools
  const a = await settled()
  await open(N + 1, 2 * N + 1)
  const b = await settled()
  const load = loadavg()[0]?.toFixed(2)
  console.log(
    `${yjs ? '/yjs' : '/sync'} idle ${cold ? 'bootstrapped' : 'in-sync'} connections: base ${round(base / 1024)} MiB, +${N}: ${round(a / 1024)} MiB ` +
      `(${round(((a - base) / 1024 / N) * 1000, 1)} MiB/1,000), next +${N}: ${round(b / 1024)} MiB ` +
      `(${round(((b - a) / 1024 / N) * 1000, 1)} MiB/1,000); load ${load}`,
  )
  if (heap) {
    // Snapshots grow RSS for good (the writer's buffers): the diff has a group of its own, after the RSS slopes.
    const snapA = await snapshot(server.pid)
    await open(2 * N + 1, 3 * N + 1)
    await settled()
    const snapB = await snapshot(server.pid)
    const d = heapDiff(snapA, snapB)
    console.log(`new heap objects per connection: ${round(d.totalBytes / N, 0)} B (self sizes)`)
    const byKind = new Map<string, { count: number; bytes: number }>()
    for (const g of d.groups) {
      const k = byKind.get(g.kind) ?? { count: 0, bytes: 0 }
      k.count += g.count
      k.bytes += g.bytes
      byKind.set(g.kind, k)
    }
    const top = Number(arg('--top', '40'))
    console.log('by kind:')
    for (const [kind, k] of [...byKind].sort((x, y) => y[1].bytes - x[1].bytes).slice(0, top))
      console.log(`${String(Math.round(k.bytes / N)).padStart(7)} B ${(k.count / N).toFixed(2).padStart(6)}×  ${kind}`)
    console.log('by kind ← held by:')
    for (const g of d.groups.slice(0, top))
      console.log(
        `${String(Math.round(g.bytes / N)).padStart(7)} B ${(g.count / N).toFixed(2).padStart(6)}×  ${g.kind}  ← ${g.heldBy}`,
      )
  }
  await server.stop()
  process.exit(0)
}

main().catch((e: unknown) => {
  console.error(e)
  killAllServers()
  process.exit(1)
})
