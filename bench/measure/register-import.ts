// Register import at scale: a deterministic population-register CSV (default 100,000 rows ≈ 25,000 households) imported
// into a fresh database through the same code as the admin screen and the CLI; prints time, peak RSS and a re-import.
// Run: npx tsx bench/measure/register-import.ts [--rows N]

import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { seededRandom } from '../../shared/test-support/household-fixtures.ts'
import { createAuditLog } from '../../server/audit/audit-log.ts'
import { migrate } from '../../server/db/migrate.ts'
import { migrations } from '../../server/db/migrations/index.ts'
import { openDb } from '../../server/db/open.ts'
import { currentPeriod, ensureReferenceData } from '../../server/db/reference-data.ts'
import { importRegister } from '../../server/register/register-import.ts'
import { FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES, STREETS } from '../../server/seed/names.ts'
import { insertVillages, makeVillages, pickUnits, type SeedVillage } from '../../server/seed/places.ts'
import { createDocStore } from '../../server/store/doc-store.ts'
import { createHouseholdWriter } from '../../server/store/household-writer.ts'

const HEADER = 'household_code,personal_id,full_name,sex,birth_date,relation,ethnicity,unit,village,address'

/** `rows` register rows in households of 1–7 people (4 on average), each with a consistent 12-digit personal ID. */
export function registerCsv(rows: number, villages: readonly SeedVillage[], seed = 1): string {
  const rand = seededRandom(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
  const lines = [HEADER]
  let person = 0
  for (let h = 0; person < rows; h++) {
    const v = villages[h % villages.length] as SeedVillage
    const size = Math.min(rows - person, 1 + Math.floor(rand() * 7))
    const family = pick(FAMILY_NAMES)
    const address = `${1 + Math.floor(rand() * 300)} ${pick(STREETS)}`
    for (let k = 0; k < size; k++, person++) {
      const sex = k === 1 ? 'female' : rand() < 0.5 ? 'male' : 'female'
      const year = k < 2 ? 1950 + Math.floor(rand() * 40) : 1990 + Math.floor(rand() * 34)
      const birth = `${year}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`
      const century = (Math.floor(year / 100) - 19) * 2 + (sex === 'female' ? 1 : 0)
      const id = `046${century}${String(year % 100).padStart(2, '0')}${String(person).padStart(6, '0')}`
      const name = `${family} ${pick(MIDDLE_NAMES[sex])} ${pick(GIVEN_NAMES[sex])}`
      const relation = k === 0 ? 'chủ hộ' : k === 1 ? 'vợ' : 'con'
      lines.push(
        [
          `HK${String(h).padStart(7, '0')}`,
          id,
          name,
          sex === 'male' ? 'nam' : 'nữ',
          birth,
          relation,
          'Kinh',
          v.unitCode,
          v.name,
          address,
        ].join(','),
      )
    }
  }
  return lines.join('\r\n') + '\r\n'
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' } } })
  const rows = Number(values.rows)
  const dir = mkdtempSync(join(tmpdir(), 'rasoat-register-bench-'))
  try {
    const db = openDb(join(dir, 'rasoat.db'))
    migrate(db, migrations)
    ensureReferenceData(db)
    // Village names are unique per unit here, so every row's village resolves to one village.
    const villages = makeVillages(pickUnits(db, 40), 10, seededRandom(3)).map((v, i) => ({
      ...v,
      name: `${v.name} ${i}`,
    }))
    insertVillages(db, villages)
    const file = join(dir, 'register.csv')
    writeFileSync(file, registerCsv(rows, villages))
    const docStore = createDocStore(db)
    const writer = createHouseholdWriter(db, docStore)
    const deps = { db, docStore, writer, audit: createAuditLog(db) }
    const opts = {
      period: currentPeriod(db),
      actor: { id: 'bench', username: 'bench' },
      dryRun: false,
      maxBytes: 256 * 1024 * 1024,
    }
    const rssBefore = process.memoryUsage().rss
    const t0 = performance.now()
    const first = await importRegister(deps, createReadStream(file), opts)
    const importMs = performance.now() - t0
    const peakRssMb = process.resourceUsage().maxRSS / 1024
    const t1 = performance.now()
    const again = await importRegister(deps, createReadStream(file), opts)
    const reimportMs = performance.now() - t1
    await writer.close()
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    const dbMb = statSync(join(dir, 'rasoat.db')).size / 1024 / 1024
    console.log(
      JSON.stringify({
        rows,
        fileMb: +(statSync(file).size / 1024 / 1024).toFixed(1),
        households: first.created,
        errors: first.errorCount,
        importS: +(importMs / 1000).toFixed(1),
        rowsPerS: Math.round(rows / (importMs / 1000)),
        peakRssMb: Math.round(peakRssMb),
        rssBeforeMb: Math.round(rssBefore / 1024 / 1024),
        reimportS: +(reimportMs / 1000).toFixed(1),
        reimport: { created: again.created, proposals: again.proposals, unchanged: again.unchanged },
        dbMb: +dbMb.toFixed(1),
        loadavg: (await import('node:os')).loadavg().map((x) => +x.toFixed(2)),
        node: process.version,
      }),
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) await main()
