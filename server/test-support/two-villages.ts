// A migrated database on the suite's engine holding one commune (19900) with villages v1 and v2, enumerators u-lan
// and u-mai (no assignments), and households h1 in v1 and h2 in v2: the setting of tests about what SQL does.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { createDocStore } from '../store/doc-store.ts'
import { householdUpdate } from './household-fixture.ts'

export interface TwoVillages {
  db: Db
  /** Closes the database and removes its folder. */
  close(): void
}

export function openTwoVillages(prefix: string): TwoVillages {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const db = openDb(join(dir, 'test.db'))
  migrate(db, migrations)
  db.exec(`
    INSERT INTO units (code, name, kind, area_type) VALUES ('19900', 'Thuận An', 'phuong', 'urban');
    INSERT INTO villages (id, unit_code, name) VALUES ('v1', '19900', 'Thôn 1'), ('v2', '19900', 'Thôn 2');
    INSERT INTO users (id, username, password_hash, role, unit_code, display_name, created_at)
      VALUES ('u-lan', 'lan', 'x', 'enumerator', '19900', 'Lan', 0), ('u-mai', 'mai', 'x', 'enumerator', '19900', 'Mai', 0);
  `)
  const docs = createDocStore(db)
  db.transaction(() => {
    for (const [id, village] of [
      ['h1', 'v1'],
      ['h2', 'v2'],
    ] as const)
      docs.createHousehold(
        { id, period: '2025', unitCode: '19900', villageId: village },
        householdUpdate({ id, headName: `Chủ hộ ${id}`, village }),
        'seed',
      )
  })()
  return {
    db,
    close() {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
