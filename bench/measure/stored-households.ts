// A database of many stored households for W5, built once and cached under .tmp/bench/w5/: the first `distinct`
// go through the doc store's createHousehold (snapshot, V2 snapshot, summary row); the rest are copies of those rows
// under new ids, made in SQL (a copy's document still names its source's id inside: sizes and work are the same).

import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { householdId, type Corpus } from '../lib/corpus.ts'
import { BENCH_UNIT } from '../lib/rasoat-system.ts'

const CACHE_DIR = fileURLToPath(new URL('../../.tmp/bench/w5/', import.meta.url))

export interface StoredLayout {
  households: number
  /** One village per device, `households / villages` households each, in id order. */
  villages: number
}

export const villageId = (v: number): string => `${BENCH_UNIT}-w5v${v}`
export const villageOfHousehold = (i: number, l: StoredLayout): number => Math.floor(i / (l.households / l.villages))

/** Builds (or reuses) the cached database; returns its file. */
export async function storedHouseholds(corpus: Corpus, l: StoredLayout, log: (s: string) => void): Promise<string> {
  const { migrations } = await import('../../server/db/migrations/index.ts')
  const file = `${CACHE_DIR}stored-${l.households}-${l.villages}-${corpus.docs.length}-m${migrations.length}.db`
  if (existsSync(file)) return file
  const { openDb } = await import('../../server/db/open.ts')
  const { migrate } = await import('../../server/db/migrate.ts')
  const { currentPeriod, ensureReferenceData } = await import('../../server/db/reference-data.ts')
  const { createDocStore } = await import('../../server/store/doc-store.ts')
  mkdirSync(CACHE_DIR, { recursive: true })
  const tmp = `${file}.building`
  rmSync(tmp, { force: true })
  const t0 = Date.now()
  const db = openDb(tmp)
  migrate(db, migrations)
  ensureReferenceData(db)
  const period = currentPeriod(db)
  const store = createDocStore(db)
  const insVillage = db.prepare('INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?)')
  const distinct = Math.min(corpus.docs.length, l.households)
  db.transaction(() => {
    for (let v = 0; v < l.villages; v++) insVillage.run(villageId(v), BENCH_UNIT, `W5 village ${v}`)
    for (let i = 0; i < distinct; i++) {
      const d = corpus.docs[i]!
      const meta = { id: householdId(i), period, unitCode: BENCH_UNIT, villageId: villageId(villageOfHousehold(i, l)) }
      store.createHousehold(meta, d.state, 'bench-seed')
    }
  })()
  log(`  W5 data: ${distinct} households through createHousehold in ${Math.round((Date.now() - t0) / 1000)} s`)
  // Every other household copies the rows of household (i mod distinct), in one INSERT … SELECT per table.
  db.exec('CREATE TEMP TABLE w5_copy (src TEXT NOT NULL, dst TEXT NOT NULL, village TEXT NOT NULL)')
  const insCopy = db.prepare('INSERT INTO w5_copy (src, dst, village) VALUES (?, ?, ?)')
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]).filter(
    (t) => !t.startsWith('sqlite_'),
  )
  db.transaction(() => {
    for (let i = distinct; i < l.households; i++)
      insCopy.run(householdId(i % distinct), householdId(i), villageId(villageOfHousehold(i, l)))
    for (const t of tables) {
      const cols = (db.prepare(`PRAGMA table_info("${t}")`).all() as { name: string }[]).map((c) => c.name)
      const key = t === 'households' ? 'id' : cols.includes('household_id') ? 'household_id' : null
      if (key === null) continue
      const select = cols.map((c) =>
        c === key ? 'm.dst' : t === 'households' && c === 'village_id' ? 'm.village' : `s."${c}"`,
      )
      db.exec(
        `INSERT INTO "${t}" (${cols.map((c) => `"${c}"`).join(', ')}) SELECT ${select.join(', ')} FROM "${t}" s JOIN w5_copy m ON s."${key}" = m.src`,
      )
    }
  })()
  db.exec('DROP TABLE w5_copy')
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  renameSync(tmp, file)
  log(`  W5 data: ${l.households} stored households ready in ${Math.round((Date.now() - t0) / 1000)} s (cached)`)
  return file
}

/** A run's data folder: the cached database plus one enumerator per village with a session token. */
export async function prepareW5Dir(
  dir: string,
  template: string,
  l: StoredLayout,
  deviceName: (v: number) => string,
): Promise<Map<string, string>> {
  const { openDb } = await import('../../server/db/open.ts')
  const { createSession } = await import('../../server/auth/sessions.ts')
  const { databaseFile } = await import('../../server/server.ts')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  copyFileSync(template, databaseFile(dir))
  const db = openDb(databaseFile(dir))
  const insUser = db.prepare(
    "INSERT INTO users (id, username, password_hash, role, unit_code, display_name, created_at, disabled) VALUES (?, ?, 'bench-no-login', 'enumerator', ?, ?, ?, 0)",
  )
  const insAssign = db.prepare('INSERT INTO assignments (user_id, village_id) VALUES (?, ?)')
  const tokens = new Map<string, string>()
  const now = Date.now()
  db.transaction(() => {
    for (let v = 0; v < l.villages; v++) {
      const name = deviceName(v)
      insUser.run(`u-${name}`, name, BENCH_UNIT, `Bench ${name}`, now)
      insAssign.run(`u-${name}`, villageId(v))
      tokens.set(name, createSession(db, `u-${name}`, { deviceId: name, now }).token)
    }
  })()
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  return tokens
}
