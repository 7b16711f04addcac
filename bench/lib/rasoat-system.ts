// rasoat under test: a DATA_DIR seeded for a plan through the server's own modules (migrations, reference data,
// doc store createHousehold), one village per plan group, one enumerator + session token per simulated phone.

import type { Db } from '../../server/db/open.ts'
import type { Plan } from './plan.ts'
import { RasoatDevice } from '../clients/rasoat.ts'

export { RasoatDevice }

export const BENCH_UNIT = '19789'

export async function prepareRasoat(
  dir: string,
  docs: { id: string; state: Uint8Array }[],
  plan: Plan,
): Promise<Map<string, string>> {
  const { openDb } = await import('../../server/db/open.ts')
  const { databaseFile } = await import('../../server/server.ts')
  const db = openDb(databaseFile(dir))
  try {
    return await prepareRasoatDb(db, docs, plan)
  } finally {
    db.close()
  }
}

/** Seeds an open database of either engine (the two-relay row seeds PostgreSQL this way); the caller closes it. */
export async function prepareRasoatDb(
  db: Db,
  docs: { id: string; state: Uint8Array }[],
  plan: Plan,
): Promise<Map<string, string>> {
  const { migrate } = await import('../../server/db/migrate.ts')
  const { migrations } = await import('../../server/db/migrations/index.ts')
  const { currentPeriod, ensureReferenceData } = await import('../../server/db/reference-data.ts')
  const { createDocStore } = await import('../../server/store/doc-store.ts')
  const { createSession } = await import('../../server/auth/sessions.ts')
  migrate(db, migrations)
  ensureReferenceData(db)
  const period = currentPeriod(db)
  const store = createDocStore(db)
  const insVillage = db.prepare('INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
  const insUser = db.prepare(
    "INSERT INTO users (id, username, password_hash, role, unit_code, display_name, created_at, disabled) VALUES (?, ?, 'bench-no-login', ?, ?, ?, ?, 0)",
  )
  const insAssign = db.prepare('INSERT INTO assignments (user_id, village_id) VALUES (?, ?) ON CONFLICT DO NOTHING')
  const villageOf = new Map<string, string>()
  plan.groups.forEach((g, i) => {
    for (const h of g.households) villageOf.set(h, `${BENCH_UNIT}-b${i}`)
  })
  const tokens = new Map<string, string>()
  const now = Date.now()
  db.transaction(() => {
    plan.groups.forEach((g, i) => insVillage.run(`${BENCH_UNIT}-b${i}`, BENCH_UNIT, `Bench village ${g.name}`))
    insVillage.run(`${BENCH_UNIT}-bx`, BENCH_UNIT, 'Bench stored-only village')
    for (const d of docs) {
      store.createHousehold(
        { id: d.id, period, unitCode: BENCH_UNIT, villageId: villageOf.get(d.id) ?? `${BENCH_UNIT}-bx` },
        d.state,
        'bench-seed',
      )
    }
    plan.groups.forEach((g, i) => {
      for (const dev of g.devices) {
        const userId = `u-${dev}`
        insUser.run(userId, dev, 'enumerator', BENCH_UNIT, `Bench ${dev}`, now)
        insAssign.run(userId, `${BENCH_UNIT}-b${i}`)
        tokens.set(dev, createSession(db, userId, { deviceId: dev, now }).token)
      }
    })
  })()
  if (db.dialect === 'sqlite') db.pragma('wal_checkpoint(TRUNCATE)')
  return tokens
}

/** Conflicts the relay recorded (W2), read from its database after the server stopped. */
export async function rasoatConflictCount(dir: string): Promise<number> {
  const { openDb } = await import('../../server/db/open.ts')
  const { databaseFile } = await import('../../server/server.ts')
  const db = openDb(databaseFile(dir))
  const n = (db.prepare('SELECT COUNT(*) AS n FROM conflicts').get() as { n: number }).n
  db.close()
  return n
}
