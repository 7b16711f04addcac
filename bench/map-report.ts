// Renders the map workload's results as BENCHMARKS.md's "Map" section, kept in bench/map.md so that a full
// `npm run bench` (report.ts) carries the last map run along instead of dropping it.

import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { MapParams, MapResult } from './workloads/map.ts'

export const MAP_SECTION_FILE = fileURLToPath(new URL('./map.md', import.meta.url))
const BENCHMARKS = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url))

const n = (x: number) => x.toLocaleString('en-US')
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`

export function renderMap(p: MapParams, r: MapResult, at: string, cores: number): string {
  const rows = Object.entries(r.views).map(
    ([name, v]) =>
      `| ${name} | ${v.clusters} + ${v.pins} | ${kb(v.bytes)} | ${kb(v.gzipBytes)} | ${v.coldMs} | ${v.warmMs} |`,
  )
  const la = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' ')
  return `## Map (supervisor console)

Run ${at} with \`npx tsx bench/map.ts --commune ${p.commune} --city ${p.city} --edits ${p.edits}\` (alone, in one process:
server on 127.0.0.1 port 0 and the clients share the event loop); ${cores} cores, load average ${la(r.loadavg.before)} before
and ${la(r.loadavg.after)} after the measurements. The commune's ${n(p.commune)} households are real documents
(\`writeHouseholds\`, the seed's path: ${r.seed.communeDocsS} s); the other ${n(p.city - p.commune)} households of the city are
summary rows only (${r.seed.citySummaryRowsS} s), since the map reads nothing else. Viewport 1280 × 800 px; "commune" =
the supervisor of that unit, "city" = an admin (40 units). *first* = the first request of the view, in the table's
order (the first view of a unit loads its rows and builds its supercluster index, so the street views come after
their units were loaded by the zoom-11 views); *warm* = median of 7 more. Bytes are the JSON body as sent and gzipped.

| view | clusters + pins | bytes | gzip | first (ms) | warm (ms) |
|---|---:|---:|---:|---:|---:|
${rows.join('\n')}

Progress (\`GET /api/progress\`, 8 villages per unit, one \`GROUP BY\` on the covering index): ${Object.entries(
    r.progress,
  )
    .map(([name, v]) => `${name} first ${v.firstMs} ms, warm ${v.warmMs} ms (${kb(v.bytes)})`)
    .join('; ')}.

Edit-ack → pin: an enumerator's phone moves ${p.edits} households one after another over \`/sync\` (records past review are locked on
devices and skipped); the supervisor's
\`/live\` socket waits for each pin at its new position. ACK → pin delta p50 **${r.latency.ackToPinP50} ms**, p99
**${r.latency.ackToPinP99} ms**; send → pin (includes the durable commit) p50 ${r.latency.sendToPinP50} ms, p99
${r.latency.sendToPinP99} ms (target: within 2 s of the ACK).

Clusters from supercluster replaced the hand-written SQL grid: the grid answered every city view with a scan of the
covering index (~160 ms at zoom 11 for 100,000 households, docs/server.md "Measurements"); supercluster answers a
warm view in the times above and pays once per unit for the build, after a restart or the first commit in that unit
since the last view (a rebuild of one commune of 20,000 is the *first* time of the commune rows).
`
}

/** Writes bench/map.md and replaces (or appends) the Map section of BENCHMARKS.md. */
export function writeMapSection(section: string): void {
  writeFileSync(MAP_SECTION_FILE, section)
  if (!existsSync(BENCHMARKS)) return
  const doc = readFileSync(BENCHMARKS, 'utf8')
  const start = doc.indexOf('## Map (supervisor console)')
  if (start < 0) {
    const analysis = doc.indexOf('## Analysis')
    writeFileSync(
      BENCHMARKS,
      analysis < 0 ? `${doc.trimEnd()}\n\n${section}` : `${doc.slice(0, analysis)}${section}\n${doc.slice(analysis)}`,
    )
    return
  }
  const next = doc.indexOf('\n## ', start + 3)
  writeFileSync(BENCHMARKS, `${doc.slice(0, start)}${section}${next < 0 ? '' : doc.slice(next)}`)
}

export function mapSection(): string {
  return existsSync(MAP_SECTION_FILE) ? `${readFileSync(MAP_SECTION_FILE, 'utf8').trim()}\n` : ''
}
