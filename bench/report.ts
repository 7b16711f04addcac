// Writes BENCHMARKS.md from a results object: targets met/missed, ratio tables rasoat ÷ peer, per-workload detail,
// the machine and package versions, and the command that reproduces each row. Analysis text comes from analysis.md.

import { mapSection } from './map-report.ts'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { MachineInfo } from './lib/machine.ts'
import type { SystemName } from './lib/server-process.ts'
import type { BenchParams } from './params.ts'
import type { W1Result, W1Step } from './workloads/w1.ts'
import { runFigure, type W1AlternatedResult, type W1AlternatedRun } from './workloads/w1-alternated.ts'
import type { W2Result } from './workloads/w2.ts'
import type { W3Result } from './workloads/w3.ts'
import type { W4Result } from './workloads/w4.ts'
import type { W7Result } from './workloads/w7.ts'
import type { TwoRelayResult } from './workloads/two-relays.ts'
import type { ClientBudgets } from './client-budgets.ts'
import type { ReportBench } from './measure/report.ts'
import { loadOf, targetRows } from './targets.ts'

export interface BenchResults {
  mode: 'full' | 'smoke'
  startedAt: string
  finishedAt?: string
  durationS: number
  machine: MachineInfo
  corpus: { shape: string; households: number; avgStateBytes: number }
  params: BenchParams
  /** Per `W/system`: the kept attempt; `attempts`/`kept`/`loads` are absent in results written before load retries. */
  workloads: Record<
    string,
    { result: unknown; seconds: number; load?: number[]; attempts?: number; kept?: number; loads?: number[][] }
  >
  skipped: Record<string, string>
  client?: ClientBudgets
  reports?: ReportBench
}

export const SYS = ['rasoat', 'rasoat-yjs', 'hocuspocus', 'ywebsocket'] as const
export const SYS_LABEL: Record<string, string> = {
  rasoat: 'rasoat /sync',
  'rasoat-yjs': 'rasoat /yjs',
  hocuspocus: 'Hocuspocus 3.4.4',
  ywebsocket: 'y-websocket server 0.1.1',
}

export function get<T>(r: BenchResults, w: string, s: string): T | undefined {
  return r.workloads[`${w}/${s}`]?.result as T | undefined
}

export function fmt(x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—'
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })
}

export function ratio(a: number | null | undefined, b: number | null | undefined): string {
  if (
    a === null ||
    a === undefined ||
    b === null ||
    b === undefined ||
    !Number.isFinite(a) ||
    !Number.isFinite(b) ||
    b === 0
  )
    return '—'
  const r = a / b
  if (a <= 0 && b > 0) return '≈0×'
  if (r < 0.01) return `${r.toPrecision(2)}×`
  return r >= 10 ? `${fmt(r, 0)}×` : `${fmt(r, 2)}×`
}

/** The W1 step at `rate` or the highest unsaturated step. */
export function stepAt(r: W1Result | undefined, rate: number): W1Step | undefined {
  return r?.steps.find((s) => s.rate === rate)
}
export function bestStep(r: W1Result | undefined): W1Step | undefined {
  if (!r) return undefined
  const ok = r.steps.filter((s) => !s.saturated)
  return ok[ok.length - 1]
}

function loadNote(r: BenchResults): string {
  const parts = Object.entries(r.workloads).map(
    ([k, v]) =>
      `${k} ${v.seconds} s, load ${loadOf(r, k) ?? '?'}${v.loads && v.loads.length > 1 ? ` [attempts: ${v.loads.map((l) => l.join('→')).join(', ')}]` : ''}`,
  )
  return parts.length
    ? `Run time and 1-minute load average (before→after) per run — other work on this shared machine inflates latency when the load is above 2; a run that started above ${r.params.loadRetry?.maxLoad ?? 2} is re-run (up to ${r.params.loadRetry?.attempts ?? 1} attempts) and the attempt that started at the lowest load kept: ${parts.join('; ')}.`
    : ''
}

function cmd(w: string, s?: string): string {
  return `\`npm run bench -- --only ${w}${s ? ` --systems ${s}` : ''}\``
}

interface Row {
  metric: string
  better: 'lower' | 'higher'
  value: (s: string) => number | null | undefined
  digits?: number
  w: string
  /** Results key of the rasoat column (default 'rasoat' = /sync; 'rasoat-yjs' for the /yjs rows). */
  rasoat?: 'rasoat' | 'rasoat-yjs'
}

function mainRows(r: BenchResults): Row[] {
  const w1 = (s: string) => get<W1Result>(r, 'W1', s)
  const w2 = (s: string) => get<W2Result>(r, 'W2', s)
  const w3 = (s: string) => get<W3Result>(r, 'W3', s)
  const w4 = (s: string) => get<W4Result>(r, 'W4', s)
  const w7 = (s: string) => get<W7Result>(r, 'W7', s)
  return [
    ...(['rasoat', 'rasoat-yjs'] as const).flatMap((key): Row[] => {
      const at = key === 'rasoat' ? '' : ', rasoat over /yjs'
      return [
        {
          w: 'W1',
          rasoat: key,
          metric: `W1 max sustained edits/s (p99 ≤ 500 ms)${at}`,
          better: 'higher',
          value: (s) => w1(s)?.maxSustainedRate,
        },
        {
          w: 'W1',
          rasoat: key,
          metric: `W1 CPU-bound capacity per core, edits/s (10⁶ ÷ marginal µs at 3,200/s; load-independent)${at}`,
          better: 'higher',
          value: (s) => {
            const st = stepAt(w1(s), 3200)
            return st && st.marginalCpuMicrosPerUpdate > 0 ? 1e6 / st.marginalCpuMicrosPerUpdate : null
          },
        },
        {
          w: 'W1',
          rasoat: key,
          metric: `W1 p99 edit→ack at 3,200/s (ms)${at}`,
          better: 'lower',
          value: (s) => (w1(s)?.acks ? stepAt(w1(s), 3200)?.ack.p99 : null),
          digits: 1,
        },
        {
          w: 'W1',
          rasoat: key,
          metric: `W1 p99 edit→other phone at 3,200/s (ms)${at}`,
          better: 'lower',
          value: (s) => stepAt(w1(s), 3200)?.other.p99,
          digits: 1,
        },
        {
          w: 'W1',
          rasoat: key,
          metric: `W1 server CPU µs per acked (no acks: delivered) edit at 3,200/s${at}`,
          better: 'lower',
          value: (s) => stepAt(w1(s), 3200)?.serverCpuMicrosPerUpdate,
        },
        {
          w: 'W1C',
          rasoat: key,
          metric: `W1C server CPU µs per edit at 3,200/s, median of rounds alternating the systems${at}`,
          better: 'lower',
          value: (s) => (r.workloads['W1C/all']?.result as W1AlternatedResult | undefined)?.median[s as SystemName],
        },
        {
          w: 'W1',
          rasoat: key,
          metric: `W1 server CPU µs per edit at 3,200/s, above idle (marginal)${at}`,
          better: 'lower',
          value: (s) => stepAt(w1(s), 3200)?.marginalCpuMicrosPerUpdate,
        },
        {
          w: 'W1',
          rasoat: key,
          metric: `W1 server CPU µs per edit at 3,200/s, main thread only (the rest: GC and compiler threads, I/O pool)${at}`,
          better: 'lower',
          value: (s) => stepAt(w1(s), 3200)?.serverMainThreadMicrosPerUpdate,
        },
      ]
    }),
    {
      w: 'W2',
      metric: 'W2 reconnect storm: time to converge (ms, phones start over 5 s)',
      better: 'lower',
      value: (s) => (w2(s)?.converged ? w2(s)?.convergeMs : null),
    },
    {
      w: 'W2',
      metric: 'W2 converged after the last phone connected (ms)',
      better: 'lower',
      value: (s) => (w2(s)?.converged ? w2(s)?.afterLastConnectMs : null),
    },
    {
      w: 'W2',
      metric: 'W2 frames per phone (both ways)',
      better: 'lower',
      value: (s) => w2(s)?.framesPerDevice,
      digits: 1,
    },
    { w: 'W2', metric: 'W2 server CPU for the storm (ms)', better: 'lower', value: (s) => w2(s)?.serverCpuMs },
    {
      w: 'W3',
      metric: 'W3 cold bootstrap of 300 households, end to end: each applied into a Y.Doc and stored (ms, median)',
      better: 'lower',
      value: (s) => w3(s)?.cold.ms,
    },
    {
      w: 'W3',
      metric: 'W3 cold bootstrap of 300 households, wire only: bytes kept as received (ms, median)',
      better: 'lower',
      value: (s) => w3(s)?.cold.wireMs,
    },
    {
      w: 'W3',
      metric: 'W3 bytes on the wire, both ways (KB)',
      better: 'lower',
      value: (s) => {
        const c = w3(s)?.cold.wire
        return c ? (c.bytesIn + c.bytesOut) / 1000 : null
      },
      digits: 1,
    },
    {
      w: 'W3',
      metric: 'W3 reconnect, nothing changed: frames both ways',
      better: 'lower',
      value: (s) => {
        const c = w3(s)?.reconnect.wire
        return c ? c.framesIn + c.framesOut : null
      },
    },
    { w: 'W3', metric: 'W3 reconnect, nothing changed (ms)', better: 'lower', value: (s) => w3(s)?.reconnect.ms },
    {
      w: 'W4',
      metric: 'W4 RSS per 1,000 loaded households (MiB)',
      better: 'lower',
      value: (s) => w4(s)?.rssPerThousandLoadedMiB,
      digits: 1,
    },
    {
      w: 'W4',
      metric: 'W4 RSS per 1,000 idle connections, phones in sync (MiB)',
      better: 'lower',
      value: (s) => w4(s)?.rssPerThousandIdleMiB,
      digits: 1,
    },
    {
      w: 'W7',
      metric: 'W7 acked updates lost after kill -9',
      better: 'lower',
      value: (s) => (s === 'ywebsocket' ? null : w7(s)?.ackedLost),
    },
    {
      w: 'W7',
      metric: 'W7 updates delivered to another phone, then lost',
      better: 'lower',
      value: (s) => w7(s)?.deliveredLost,
    },
  ]
}

function mainTable(r: BenchResults): string {
  const lines = [
    '| Metric | rasoat | Hocuspocus | rasoat ÷ Hocuspocus | y-websocket | rasoat ÷ y-websocket | better | load before→after: rasoat / Hocuspocus / y-websocket | reproduce |',
    '|---|---:|---:|---:|---:|---:|---|---|---|',
  ]
  for (const row of mainRows(r)) {
    const v = (s: string) => row.value(s)
    const own = row.rasoat ?? 'rasoat'
    const loads =
      row.w === 'W1C' // one row for all systems, run in alternation
        ? `all: ${loadOf(r, 'W1C/all') ?? '—'}`
        : [own, 'hocuspocus', 'ywebsocket'].map((s) => loadOf(r, `${row.w}/${s}`) ?? '—').join(' / ')
    lines.push(
      `| ${row.metric} | ${fmt(v(own), row.digits)} | ${fmt(v('hocuspocus'), row.digits)} | ${ratio(v(own), v('hocuspocus'))} | ${fmt(v('ywebsocket'), row.digits)} | ${ratio(v(own), v('ywebsocket'))} | ${row.better} | ${loads} | ${cmd(row.w)} |`,
    )
  }
  return lines.join('\n')
}

function w1Table(r: BenchResults): string {
  const out: string[] = []
  for (const s of SYS) {
    const w = get<W1Result>(r, 'W1', s)
    if (!w) continue
    out.push(
      `**${SYS_LABEL[s]}** — ${w.devices} phones${w.simulatorThreads ? ` on ${w.simulatorThreads} simulator threads` : ''}, ${w.households} households, connected in ${fmt(w.connectMs)} ms, idle server CPU ${fmt(w.idleCpuPct, 1)} %, RSS at end ${fmt(w.serverRssKiB / 1024)} MiB, load ${loadOf(r, `W1/${s}`) ?? '?'} (${cmd('W1', s === 'rasoat-yjs' ? 'rasoat' : s)})`,
      '',
    )
    out.push(
      '| offered edits/s | acked/s | delivered/s | ack p50 / p95 / p99 ms | other phone p50 / p95 / p99 ms | server CPU % | µs/update (marginal) · main thread | server waiting for CPU / disk % | simulator CPU % · loop delay p99 / max ms | pending after drain | errors |',
    )
    out.push('|---:|---:|---:|---|---|---:|---:|---|---:|---:|---:|')
    for (const st of w.steps) {
      const a = w.acks ? `${fmt(st.ack.p50, 1)} / ${fmt(st.ack.p95, 1)} / ${fmt(st.ack.p99, 1)}` : 'no acks'
      out.push(
        `| ${fmt(st.rate)}${st.keptUp === false ? ' ✖' : st.saturated ? ' ⚠' : ''} | ${w.acks ? fmt(st.ackedPerSecond) : '—'} | ${fmt(st.deliveredPerSecond)} | ${a} | ${fmt(st.other.p50, 1)} / ${fmt(st.other.p95, 1)} / ${fmt(st.other.p99, 1)} | ${fmt(st.serverCpuPct)} | ${fmt(st.serverCpuMicrosPerUpdate)} (${fmt(st.marginalCpuMicrosPerUpdate)}) · ${fmt(st.serverMainThreadMicrosPerUpdate)} | ${fmt(st.serverRunQueueWaitPct)} / ${fmt(st.serverBlockedIoPct)} | ${fmt(st.simulatorCpuPct)} · ${st.simulatorLoopDelayP99Ms === undefined ? '—' : `${fmt(st.simulatorLoopDelayP99Ms, 1)} / ${fmt(st.simulatorLoopDelayMaxMs, 1)}`} | ${fmt(st.pendingAfterDrain)} | ${fmt(st.errors)} |`,
      )
    }
    out.push('')
  }
  return out.join('\n')
}

function detailTables(r: BenchResults): string {
  const out: string[] = []
  const rows = <T>(w: string, head: string, f: (x: T) => string): void => {
    out.push(head)
    for (const s of SYS) {
      const x = get<T>(r, w, s)
      if (x) out.push(`| ${SYS_LABEL[s]} | ${f(x)} | ${loadOf(r, `${w}/${s}`) ?? '—'} | ${cmd(w, s)} |`)
      else if (r.skipped[`${w}/${s}`]) out.push(`| ${SYS_LABEL[s]} | not measured: ${r.skipped[`${w}/${s}`]} |`)
    }
    out.push('')
  }
  out.push('### W2 — reconnect storm', '')
  rows<W2Result>(
    'W2',
    '| system | phones | offline edits | converged in ms (after last connect) | delivered | frames/phone in / out | bytes/phone | conflicts detected / injected | server CPU ms | peak RSS MiB | errors | load | reproduce |\n|---|---:|---:|---:|---:|---|---:|---|---:|---:|---:|---|---|',
    (x) =>
      `${x.devices} | ${fmt(x.editsOffline)} | ${x.converged ? `${fmt(x.convergeMs)} (${fmt(x.afterLastConnectMs)})` : `not converged (${fmt(x.convergeMs)})`} | ${fmt(x.deliveredEdits)} | ${fmt(x.framesInPerDevice, 1)} / ${fmt(x.framesOutPerDevice, 1)} | ${fmt(x.bytesPerDevice)} | ${x.conflictsDetected === null ? 'none (no detection)' : fmt(x.conflictsDetected)} / ${fmt(x.conflictsInjected)} | ${fmt(x.serverCpuMs)} | ${fmt(x.peakRssKiB / 1024)} | ${fmt(x.errors)}`,
  )
  out.push('### W3 — cold bootstrap and unchanged reconnect', '')
  rows<W3Result>(
    'W3',
    '| system | households | cold ms end to end (stored), median (runs) | wire only ms, median (runs) | phone CPU ms: stored / wire only | bytes in / out | frames in / out | sockets | server CPU ms | reconnect ms | reconnect frames in / out | reconnect bytes in / out | N new phones at once: ms, CPU ms/phone | load | reproduce |\n|---|---:|---:|---:|---|---|---|---:|---:|---:|---|---|---|---|---|',
    (x) =>
      `${x.households} | ${fmt(x.cold.ms)} (${(x.coldRuns ?? []).map((v) => fmt(v)).join(', ')}) | ${fmt(x.cold.wireMs)} (${(x.wireRuns ?? []).map((v) => fmt(v)).join(', ')}) | ${fmt(x.cold.clientCpuMs)} / ${fmt(x.cold.wireClientCpuMs)} | ${fmt(x.cold.wire.bytesIn)} / ${fmt(x.cold.wire.bytesOut)} | ${fmt(x.cold.wire.framesIn)} / ${fmt(x.cold.wire.framesOut)} | ${fmt(x.cold.wire.sockets)} | ${fmt(x.cold.serverCpuMs)} | ${fmt(x.reconnect.ms)} | ${fmt(x.reconnect.wire.framesIn)} / ${fmt(x.reconnect.wire.framesOut)} | ${fmt(x.reconnect.wire.bytesIn)} / ${fmt(x.reconnect.wire.bytesOut)} | ${x.concurrent.devices}: ${fmt(x.concurrent.ms)} ms, ${fmt(x.concurrent.serverCpuMsPerDevice)} ms`,
  )
  const enc = SYS.map((x) => get<W3Result>(r, 'W3', x)?.encodings).find((x) => x)
  if (enc)
    out.push(
      `The same ${get<W3Result>(r, 'W3', 'rasoat')?.households ?? ''} households' full states in other encodings (bytes, computed, not sent): ${Object.entries(
        enc,
      )
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join('; ')}.`,
      '',
    )
  const model = SYS.map((x) => {
    const w = get<W3Result>(r, 'W3', x)
    if (!w) return null
    // Round trips: TCP + WebSocket upgrade (2) and the sync exchange (1; the Hocuspocus provider sends its token and
    // step1 together). y-websocket opens 300 sockets, at most 255 at a time in Chrome: two waves.
    const rtts = x === 'ywebsocket' ? 2 * 3 : 3
    const upgradeBytes = 400 * w.cold.wire.sockets // HTTP upgrade request + response per socket
    const bytes = w.cold.wire.bytesIn + w.cold.wire.bytesOut + upgradeBytes
    return { x, ms: rtts * 100 + (bytes * 8) / 1000, rtts, bytes }
  })
  const rm = model.find((m) => m?.x === 'rasoat')
  if (rm) {
    out.push(
      `Modelled, not measured — the same W3 exchanges over a 3G link (1 Mbit/s, 100 ms RTT; ${'round trips × 100 ms + bytes incl. ~400 B of HTTP upgrade per socket ÷ 1 Mbit/s'}): ${model
        .filter((m) => m)
        .map(
          (m) =>
            `${SYS_LABEL[m!.x]} ${m!.rtts} RTT + ${fmt(m!.bytes / 1000, 0)} KB ≈ ${fmt(m!.ms / 1000, 1)} s${m!.x !== 'rasoat' ? ` (rasoat ${ratio(rm.ms, m!.ms)})` : ''}`,
        )
        .join('; ')}.`,
      '',
    )
  }
  out.push('### W4 — server memory', '')
  rows<W4Result>(
    'W4',
    '| system | stored | RSS at start MiB | loaded → RSS MiB | MiB per 1,000 loaded (slope after the first point) | RSS after phones left MiB | idle connections (sockets) | MiB per 1,000 idle, in sync, all (first group / second group) | MiB per 1,000 idle, bootstrapped on connect | load | reproduce |\n|---|---:|---:|---|---:|---:|---|---:|---:|---|---|',
    (x) =>
      `${fmt(x.stored)} | ${fmt(x.startRssKiB / 1024)} | ${x.loadedPoints.map((p) => `${fmt(p.loaded)}→${fmt(p.rssKiB / 1024)}`).join(', ')} | ${fmt(x.rssPerThousandLoadedMiB, 1)} | ${fmt(x.afterUnloadRssKiB / 1024)} | ${fmt(x.idleConnections)} (${fmt(x.idleSockets)}) | ${fmt(x.rssPerThousandIdleMiB, 1)} (${fmt(x.rssPerThousandIdleFirstMiB, 1)} / ${x.rssPerThousandIdleSecondMiB === undefined ? '—' : fmt(x.rssPerThousandIdleSecondMiB, 1)}) | ${fmt(x.rssPerThousandIdleAfterBootstrapMiB, 1)}`,
  )
  out.push('### W7 — kill -9 during steady edits, then restart', '')
  rows<W7Result>(
    'W7',
    '| system | edits sent | acked | acked lost | delivered to other phone | delivered then lost | sent that survived | restart ms | persistence | load | reproduce |\n|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|',
    (x) =>
      `${fmt(x.sent)} | ${x.acks ? fmt(x.acked) : 'no acks'} | ${x.acks ? fmt(x.ackedLost) : '—'} | ${fmt(x.deliveredToOtherPhone)} | ${fmt(x.deliveredLost)} | ${fmt(x.sentSurvived)} | ${fmt(x.restartMs)} | ${x.persistence}`,
  )
  return out.join('\n')
}

function clientSection(r: BenchResults): string {
  const c = r.client
  if (!c) return 'Not run in this report (`npm run bench -- --only C`).'
  const lines = ['| budget | target | measured | met? |', '|---|---|---|---|']
  for (const m of c.measures)
    lines.push(
      `| ${m.name} | ${m.target} | ${m.value === null ? `not measured: ${m.reason ?? ''}` : `${fmt(m.value, 1)} ${m.unit}`} | ${m.met === null ? '—' : m.met ? 'met' : '**missed**'} |`,
    )
  return [...lines, '', c.notes.map((n) => `- ${n}`).join('\n')].join('\n')
}

function reportsSection(r: BenchResults): string {
  const b = r.reports
  if (!b) return 'Not run in this report (`npm run bench -- --only R`).'
  const row = (what: string, t: { wallMs: number; cpuMs: number }) =>
    `| ${what} | ${fmt(t.wallMs)} ms | ${fmt(t.cpuMs)} ms |`
  return [
    `${fmt(b.households)} households in the open period, each with a record in the closed one before; summary rows and`,
    'report facts seeded directly, the report through the production code (`bench/measure/report.ts`). Medians of',
    `${b.runs} runs; load average ${b.load.join(' / ')} at the end. Target: a city report under 1 s of server (CPU) time.`,
    '',
    '| measure | wall | CPU of the process |',
    '|---|---|---|',
    row('city report (every table, 40 communes)', b.city),
    row('commune report', b.commune),
    row(`XLSX export of the city report (${fmt(b.xlsx.bytes)} B)`, b.xlsx),
    row(`CSV export, all tables (${fmt(b.csv.bytes)} B)`, b.csv),
  ].join('\n')
}

export function renderReport(r: BenchResults): string {
  const m = r.machine
  const analysisFile = fileURLToPath(new URL('./analysis.md', import.meta.url))
  const analysis = existsSync(analysisFile) ? readFileSync(analysisFile, 'utf8').trim() : ''
  const skipped = Object.entries(r.skipped)
  return `# Benchmarks: rasoat vs Hocuspocus vs the y-websocket server

Generated by \`npm run bench\` (\`node --no-allocation-site-pretenuring --import tsx bench/run.ts\`), last run finished ${r.finishedAt ?? r.startedAt}; the runs behind these
tables took ${fmt(r.durationS)} s in all (git ${m.gitCommit}; a row re-run alone with \`--only\` is merged into the full run and keeps its own
load figures).
Raw JSON: \`bench/results/latest.json\` (gitignored). Every server runs as its own child process on 127.0.0.1; CPU is
utime+stime from \`/proc/<pid>/stat\`, memory is \`VmRSS\` from \`/proc/<pid>/status\`. Ratios are **rasoat ÷ peer**:
below 1× is better for "lower" rows, above 1× for "higher" rows. Smoke mode: \`npm run bench -- --smoke\` (~1 min).

**Machine:** ${m.nproc} cores, ${m.cpuModel}, ${m.ramGiB} GiB RAM, Node ${m.node}, ${m.os}. **Pinning:** ${m.pinning}.
**Packages:** ${Object.entries(m.packages)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}.
**Households:** ${fmt(r.corpus.households)} generated once (${r.corpus.shape}), ${fmt(r.corpus.avgStateBytes)} B average state (Yjs V1); the same documents and the same edits for every system.

## Targets (rasoat)

${targetRows(r)}

## Main table

${mainTable(r)}

${loadNote(r)}

${skipped.length ? `Not measured in this report: ${skipped.map(([k, v]) => `${k} (${v})`).join('; ')}.\n` : ''}
## W1 — steady field editing, ramped until p99 > 500 ms

Phones come in pairs holding the same village's households; each phone edits its own few households (one field per
edit, one transaction, as HouseholdDoc does) and the other phone of the pair receives every edit. "ack" is rasoat's
durable ACK (after the SQLite commit) and Hocuspocus's SyncStatus (in memory, stored later); the y-websocket server
and rasoat's \`/yjs\` endpoint (stock y-websocket messages, one socket per household; the relay commits each update
before fanning it out) have no ack, so their latency limit applies to edit→other phone. ⚠ = p99 over 500 ms; ✖ = the
server fell behind (acks still pending after the drain), which ends the ramp, as do two ⚠ steps in a row. "µs/update"
is server CPU per acked (no acks: delivered) update; "marginal" subtracts the server's idle CPU with all phones connected. A CPU-bound capacity per
core is 1,000,000 ÷ marginal µs. "waiting for CPU" is the time the server's main thread was runnable but not
running (\`/proc/<pid>/schedstat\`: other processes on its core); "disk" is block-I/O delay (\`delayacct_blkio_ticks\`).
The phones run on ${r.params.w1.simulatorThreads} simulator threads, whole pairs on each (\`--simulator-threads N\`):
one heap for all of them would pause them all at each of its garbage collections. "loop delay" is the p99 and the
longest lateness of a simulator thread's event loop in the step, the worst thread's: an edit that reaches a phone while
its thread is busy (its garbage collection above all) is timestamped that much late, whatever the server did, and one
long pause delays every edit that arrives during it.

${w1Table(r)}
${w1AlternatedSection(r)}
${detailTables(r)}
## R2 — two relays on one database and Redis

${twoRelaySection(r)}

## Client budgets (headless Chromium)

${clientSection(r)}

## Reports

${reportsSection(r)}

## Method and parameters

- Phones: rasoat's \`/sync\` phone runs the phone's own session code (shared/sync/session.ts) over \`ws\`; the
  others are protocol encoders (lib0 + y-protocols), not full providers: Hocuspocus's multiplexed \`[document][type]…\`
  messages with Auth, Sync, SyncReply and SyncStatus, as @hocuspocus/provider 3.4.4 sends them (token and step1
  together, as its onOpen does); y-websocket's one-socket-per-household step1/step2/update, against the y-websocket
  server and against rasoat's \`/yjs/:householdId\` (session token in the query; the per-user socket cap raised to fit a
  socket per household). Every phone does the storing work a real one does: each household it receives (STATE, step2,
  update) is applied into a Y.Doc and its state kept as the phone keeps it — the peers' phones keep the state Yjs
  encodes, as y-indexeddb stores what Yjs's update event gives; rasoat's phone keeps a bootstrap STATE (Yjs V2) as
  it came, as the PWA's inbox does after reading it into a Y.Doc for the list row (the bench phone does not compute
  that row); W3 also times a "wire only" phone that keeps the bytes as received (what the server alone costs). All phones live in one simulator process
  (pinned to the other core); in W1 and R2 they are spread over its worker threads, the two phones of a pair on the
  same thread, so sender and receiver share one clock; edits are matched by their Yjs (clientID, clock).
  It runs with \`--no-allocation-site-pretenuring\` (\`npm run bench\`): otherwise V8 allocates the documents it builds
  for every stored household straight into the old generation, and the simulator spends ~40 % of its core
  collecting them — one process doing the garbage collection of 200 phones.
- Hocuspocus persists with \`onStoreDocument\` writing the full state to better-sqlite3 (WAL, synchronous=NORMAL)
  with its default debounce 2,000 ms / maxDebounce 10,000 ms; the y-websocket server appends every update to the
  same kind of SQLite file through \`setPersistence\` (the y-leveldb model) and compacts on last disconnect.
- Parameters of this run: \`${JSON.stringify(r.params)}\`.

${mapSection()}
${analysis ? `## Analysis\n\n${analysis}\n` : ''}`
}

/** W1C: every round's CPU per edit at the target rate, per system, the median and its ratio to the y-websocket server's. */
export function w1AlternatedSection(r: BenchResults): string {
  const head = '### W1C — CPU per edit at the target rate, the systems alternated'
  const w = r.workloads['W1C/all']?.result as W1AlternatedResult | undefined
  if (!w) return r.skipped['W1C/all'] ? `${head}\n\nNot measured: ${r.skipped['W1C/all']}.\n` : ''
  const out = [
    head,
    '',
    `One W1 ramp per system moves by 10–40 % between runs on this shared machine. Here W1's fleet runs ${fmt(w.rounds)} rounds;`,
    `each round runs every system once, one after the other, on a fresh server, ramped through the same steps of`,
    `${fmt(w.stepSeconds)} s up to ${fmt(w.rate)} edits/s. The figure is the server's CPU per acked (no acks: delivered) edit at ${fmt(w.rate)}/s,`,
    "all threads; the verdict takes the median of the rounds that kept up within W1's p99 limit. Load before→after each",
    'run in brackets; run with',
    `${cmd('W1C')}.`,
    '',
    '| system | µs per edit, round by round (load) | main thread µs, round by round | p99 ms, round by round | median µs | ÷ y-websocket server |',
    '|---|---|---|---|---:|---:|',
  ]
  const peer = w.median.ywebsocket ?? null
  for (const sys of SYS) {
    const runs = w.runs[sys]
    if (!runs) continue
    const cell = (f: (x: W1AlternatedRun) => string): string => runs.map(f).join(', ')
    out.push(
      `| ${SYS_LABEL[sys]} | ${cell((x) => `${runFigure(x, (n) => fmt(n))} (${x.load.join('→')})`)} | ${cell((x) => fmt(x.mainThreadMicros))} | ${cell((x) => fmt(x.p99Ms, 1))} | ${fmt(w.median[sys])} | ${sys === 'ywebsocket' ? '—' : ratio(w.median[sys], peer)} |`,
    )
  }
  return `${out.join('\n')}\n`
}

/** R2: one row per back end — sustained edits/s, p99 edit → phone on the other relay, CPU of both relays per ack. */
export function twoRelaySection(r: BenchResults): string {
  const x = get<TwoRelayResult>(r, 'R2', 'rasoat')
  if (!x) return r.skipped['R2/rasoat'] ? `Not measured: ${r.skipped['R2/rasoat']}.\n` : 'Not measured in this run.\n'
  const label = {
    single: 'one relay, SQLite (same phones, for comparison)',
    sqlite: 'two relays, one SQLite file',
    postgres: 'two relays, PostgreSQL',
  } as const
  const out = [
    "W1's fleet and ramp with each pair's phones on different relays, so every edit is measured on the relay its writer is",
    'not on: relay A commits and acknowledges, publishes through Redis, relay B delivers. CPU is utime+stime of ALL relay',
    "processes per acknowledged edit (PostgreSQL's and Redis's own CPU are not counted); both relays are pinned to the",
    "servers' one core, so their latency includes waiting for each other; figures at the highest step",
    `that kept up with p99 ≤ 500 ms. Load ${loadOf(r, 'R2/rasoat') ?? '?'} (${cmd('R2')}; PostgreSQL from \`BENCH_DATABASE_URL\`).`,
    '',
    '| setup | max sustained edits/s | at that rate: acked/s | p99 edit → the other phone, on the other relay (ms) | p99 edit → ack (ms) | CPU µs per acked edit (all relays) |',
    '|---|---:|---:|---:|---:|---:|',
  ]
  for (const row of ['single', 'sqlite', 'postgres'] as const) {
    const w = x[row]
    const s = bestStep(w ?? undefined)
    if (!w) {
      out.push(`| ${label[row]} | not measured: ${x.skipped[row] ?? 'no figures'} | | | | |`)
      continue
    }
    if (!s) {
      // No step kept up: the first one's figures still say how far off it is.
      const f = w.steps[0]
      out.push(
        f
          ? `| ${label[row]} | below ${fmt(f.rate)} (that step: p99 over 500 ms or fell behind) | ${fmt(f.ackedPerSecond)} | ${fmt(f.other.p99, 1)} | ${fmt(f.ack.p99, 1)} | ${fmt(f.serverCpuMicrosPerUpdate)} |`
          : `| ${label[row]} | not measured: no step ran | | | | |`,
      )
      continue
    }
    out.push(
      `| ${label[row]} | ${fmt(w.maxSustainedRate)} | ${fmt(s.ackedPerSecond)} | ${fmt(s.other.p99, 1)} | ${fmt(s.ack.p99, 1)} | ${fmt(s.serverCpuMicrosPerUpdate)} |`,
    )
  }
  return `${out.join('\n')}\n`
}

export function writeReport(r: BenchResults): void {
  writeFileSync(fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url)), renderReport(r))
}
