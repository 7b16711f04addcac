// Report speed at city scale: N households (default 300,000) in the open period, each linked to a record of the closed
// period before, 400 villages in 40 communes. Summary rows with their report facts are written directly (seeding 600,000
// Yjs documents would take an hour); the report itself runs the production code (report-store + buildReport), then the
// XLSX and CSV exports; medians of --runs runs. Not a test. `npm run bench -- --only R`, or alone:
// npx tsx bench/measure/report.ts [--households N] [--runs N]

import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { parseArgs } from 'node:util'
import { seededRandom } from '../../shared/test-support/household-fixtures.ts'
import { migrate } from '../../server/db/migrate.ts'
import { migrations } from '../../server/db/migrations/index.ts'
import { openDb, type Db } from '../../server/db/open.ts'
import { ensureReferenceData } from '../../server/db/reference-data.ts'
import { buildReport } from '../../server/reports/report.ts'
import { tableCsv, writeXlsx } from '../../server/reports/report-export.ts'
import { createReportStore } from '../../server/reports/report-store.ts'
import { insertVillages, makeVillages, pickUnits } from '../../server/seed/places.ts'

const CATEGORIES = ['poor', 'near_poor', 'average', 'not_poor', 'not_poor', 'not_poor', 'not_poor', 'incomplete']
const STATUSES = ['listed', 'assigned', 'in_progress', 'submitted', 'verified']
const CAUSES = ['lack_capital', 'lack_land', 'illness', 'many_dependants', 'no_job']

export function seed(db: Db, households: number): void {
  const rand = seededRandom(7)
  const villages = makeVillages(pickUnits(db, 40), 10, seededRandom(3))
  insertVillages(db, villages)
  db.prepare(`UPDATE periods SET is_current = 0, status = 'closed', closed_at = 1 WHERE id = '2025'`).run()
  db.prepare(
    `INSERT INTO periods (id, standard, reference_date, is_current, status, previous_id) VALUES ('2026', 'ND07_2022_2025', '2026-09-01', 1, 'open', '2025')`,
  ).run()
  const insert = db.prepare(
    `INSERT INTO households (id, period, unit_code, village_id, status, category, deprivation_count, updated_at,
       previous_id, deprivation_mask, ethnic_minority, meritorious, no_working_capacity, social_protection, farming,
       causes, member_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
  db.transaction(() => {
    for (const period of ['2025', '2026'])
      for (let i = 0; i < households; i++) {
        const v = villages[i % villages.length]!
        const category = pick(CATEGORIES)
        const mask = category === 'poor' || category === 'near_poor' ? Math.floor(rand() * 4096) : 0
        const poorish = category === 'poor' || category === 'near_poor'
        insert.run(
          `${period}-${i}`,
          period,
          v.unitCode,
          v.id,
          pick(STATUSES),
          category,
          mask.toString(2).replace(/0/g, '').length,
          1_700_000_000_000 + i,
          period === '2026' && rand() < 0.95 ? `2025-${i}` : null,
          mask,
          rand() < 0.05 ? 1 : 0,
          rand() < 0.03 ? 1 : 0,
          rand() < 0.02 ? 1 : 0,
          rand() < 0.04 ? 1 : 0,
          rand() < 0.3 ? 1 : 0,
          poorish ? pick(CAUSES) : '',
          1 + Math.floor(rand() * 6),
        )
      }
  })()
  db.exec('ANALYZE')
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

/** Wall time and this process's CPU time (user + system) per run: on a shared machine the two differ a lot. */
function time(runs: number, f: () => void): { median: number; cpu: number } {
  const out: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage()
    const t = performance.now()
    f()
    out.push(performance.now() - t)
    const u = process.cpuUsage(c)
    cpu.push((u.user + u.system) / 1000)
  }
  return { median: median(out), cpu: median(cpu) }
}

async function timeAsync(
  runs: number,
  f: () => Promise<number>,
): Promise<{ median: number; cpu: number; bytes: number }> {
  const out: number[] = []
  const cpu: number[] = []
  let bytes = 0
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage()
    const t = performance.now()
    bytes = await f()
    out.push(performance.now() - t)
    const u = process.cpuUsage(c)
    cpu.push((u.user + u.system) / 1000)
  }
  return { median: median(out), cpu: median(cpu), bytes }
}

export interface Timing {
  wallMs: number
  cpuMs: number
}

export interface ReportBench {
  households: number
  runs: number
  load: number[]
  city: Timing
  commune: Timing
  xlsx: Timing & { bytes: number }
  csv: Timing & { bytes: number }
}

/** Seeds a fresh database in a temp folder and times the reports and exports (`npm run bench -- --only R`). */
export async function runReportBench(opts: {
  households: number
  runs: number
  log?: (s: string) => void
}): Promise<ReportBench> {
  const { households, runs } = opts
  const log = opts.log ?? (() => undefined)
  const dir = mkdtempSync(join(tmpdir(), 'rasoat-report-bench-'))
  try {
    const db = openDb(join(dir, 'rasoat.db'))
    migrate(db, migrations)
    ensureReferenceData(db)
    const t0 = performance.now()
    seed(db, households)
    log(`reports: seeded ${households} households × 2 periods in ${Math.round(performance.now() - t0)} ms`)
    const store = createReportStore(db)
    const unit = db.prepare(`SELECT unit_code FROM households WHERE period = '2026' LIMIT 1`).pluck().get() as string
    const city = time(runs, () => buildReport(store, { period: '2026', unit: null, village: null }))
    const commune = time(runs, () => buildReport(store, { period: '2026', unit, village: null }))
    const report = buildReport(store, { period: '2026', unit: null, village: null })
    const xlsx = await timeAsync(runs, async () => {
      let bytes = 0
      const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
          bytes += chunk.length
          done()
        },
      })
      await writeXlsx(report, sink)
      return bytes
    })
    const csv = await timeAsync(runs, () =>
      Promise.resolve(report.tables.reduce((n, t) => n + Buffer.byteLength(tableCsv(t)), 0)),
    )
    db.close()
    const ms = (t: { median: number; cpu: number }): Timing => ({ wallMs: t.median, cpuMs: t.cpu })
    return {
      households,
      runs,
      load: loadavg().map((x) => Math.round(x * 10) / 10),
      city: ms(city),
      commune: ms(commune),
      xlsx: { ...ms(xlsx), bytes: xlsx.bytes },
      csv: { ...ms(csv), bytes: csv.bytes },
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { households: { type: 'string', default: '300000' }, runs: { type: 'string', default: '5' } },
  })
  const r = await runReportBench({ households: Number(values.households), runs: Number(values.runs), log: console.log })
  const f = (t: Timing) => `median ${t.wallMs.toFixed(0)} ms wall, ${t.cpuMs.toFixed(0)} ms CPU`
  console.log(
    [
      `machine: ${cpus().length} cores, ${cpus()[0]?.model ?? '?'}, Node ${process.version}, load ${r.load.join(' / ')}`,
      `city report (${r.households} households): ${f(r.city)}`,
      `commune report: ${f(r.commune)}`,
      `XLSX export of the city report (report already built): ${f(r.xlsx)}, ${r.xlsx.bytes} bytes`,
      `CSV export, all 8 tables: median ${r.csv.wallMs.toFixed(1)} ms wall, ${r.csv.bytes} bytes`,
    ].join('\n'),
  )
}

if (process.argv[1]?.endsWith('report.ts')) void main()
