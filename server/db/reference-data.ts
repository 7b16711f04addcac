// Reference data every database needs before anyone signs in: Huế's 40 units (shared/units JSON, replaceable
// by an admin) and a current review period. Inserted only when missing; never overwrites an admin's edits.

import { readFileSync } from 'node:fs'
import type { Db } from './open.ts'

interface UnitsFile {
  units: { code: string; name: string; kind: string }[]
}

export const DEFAULT_PERIOD = { id: '2025', standard: 'ND07_2022_2025', referenceDate: '2025-09-01' }

export function readUnitsFile(url = new URL('../../shared/units/hue-units.json', import.meta.url)): UnitsFile {
  return JSON.parse(readFileSync(url, 'utf8')) as UnitsFile
}

/** "phường" → phuong/urban, "xã" → rural. */
function kindOf(kind: string): { kind: 'phuong' | 'xa'; areaType: 'urban' | 'rural' } {
  const k = kind.normalize('NFC').toLowerCase()
  return k === 'phường' || k === 'phuong' ? { kind: 'phuong', areaType: 'urban' } : { kind: 'xa', areaType: 'rural' }
}

export function ensureReferenceData(db: Db, units: UnitsFile = readUnitsFile()): void {
  db.transaction(() => {
    const insertUnit = db.prepare(
      'INSERT INTO units (code, name, kind, area_type) VALUES (?, ?, ?, ?) ON CONFLICT (code) DO NOTHING',
    )
    for (const u of units.units) {
      const k = kindOf(u.kind)
      insertUnit.run(u.code, u.name, k.kind, k.areaType)
    }
    const anyPeriod = db.prepare('SELECT 1 FROM periods LIMIT 1').get()
    if (!anyPeriod) {
      // Two relays starting on one new PostgreSQL database may both get here; the second adds nothing.
      db.prepare(
        'INSERT INTO periods (id, standard, reference_date, is_current) VALUES (?, ?, ?, 1) ON CONFLICT (id) DO NOTHING',
      ).run(DEFAULT_PERIOD.id, DEFAULT_PERIOD.standard, DEFAULT_PERIOD.referenceDate)
    }
  })()
}

/** The one query for the current review period, prepared once: undefined when no period is marked current. */
export function currentPeriodQuery(db: Db): () => string | undefined {
  const stmt = db.prepare('SELECT id FROM periods WHERE is_current = 1 ORDER BY id DESC LIMIT 1').pluck()
  return () => stmt.get() as string | undefined
}

/** The current review period, or the default one when none is marked current. */
export function currentPeriod(db: Db): string {
  return currentPeriodQuery(db)() ?? DEFAULT_PERIOD.id
}
