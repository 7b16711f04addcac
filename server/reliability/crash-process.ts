// The crash trials' world: a data folder seeded with a village of households, an enumerator and an admin, and the real
// server (`server/main.ts`) run as a child process in its own process group so that kill -9 takes it down at once.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSession } from '../auth/sessions.ts'
import { createUser } from '../auth/users.ts'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { ensureReferenceData } from '../db/reference-data.ts'
import { createDocStore } from '../store/doc-store.ts'
import { householdUpdate } from '../test-support/household-fixture.ts'
import { TEST_UNIT } from '../test-support/relay-server.ts'

export { freePort, killGroup, startServerProcess } from '../test-support/server-process.ts'

export const CRASH_VILLAGE = 'vc'
export const CRASH_VILLAGE_NAME = 'Thôn Cầu'

export interface CrashWorld {
  dataDir: string
  households: string[]
  enumeratorId: string
  enumeratorToken: string
  adminToken: string
}

/** The data folder's database (the server's own file name). */
export function openCrashDb(dataDir: string): Db {
  return openDb(join(dataDir, 'rasoat.db'))
}

export async function seedCrashWorld(householdCount: number): Promise<CrashWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rasoat-crash-'))
  const db = openCrashDb(dataDir)
  migrate(db, migrations)
  ensureReferenceData(db)
  db.prepare('INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?)').run(
    CRASH_VILLAGE,
    TEST_UNIT,
    CRASH_VILLAGE_NAME,
  )
  const households = Array.from({ length: householdCount }, (_, i) => `hc-${i + 1}`)
  const docStore = createDocStore(db)
  db.transaction(() => {
    for (const id of households)
      docStore.createHousehold(
        { id, period: '2025', unitCode: TEST_UNIT, villageId: CRASH_VILLAGE },
        householdUpdate({ id, headName: `Hộ ${id}`, village: CRASH_VILLAGE, unit: TEST_UNIT }),
        'seed',
      )
  })()
  const password = 'correct horse battery'
  const enumerator = await createUser(db, {
    username: 'cuong',
    password,
    role: 'enumerator',
    villages: [CRASH_VILLAGE],
  })
  const admin = await createUser(db, { username: 'an', password, role: 'admin' })
  const world = {
    dataDir,
    households,
    enumeratorId: enumerator.id,
    enumeratorToken: createSession(db, enumerator.id).token,
    adminToken: createSession(db, admin.id).token,
  }
  db.close()
  return world
}
