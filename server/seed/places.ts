// Where synthetic households live: which units take part, their villages (tổ dân phố in a phường, thôn in a xã),
// and a centre for each village inside Huế's bounding box (16.40–16.50 N, 107.50–107.65 E).

import type { Db } from '../db/open.ts'
import { HAMLET_NAMES } from './names.ts'

export interface SeedUnit {
  code: string
  name: string
  kind: 'phuong' | 'xa'
}

export interface SeedVillage {
  id: string
  unitCode: string
  unitKind: 'phuong' | 'xa'
  name: string
  lat: number
  lng: number
  /** Relative share of the unit's households. */
  weight: number
}

export const HUE_BOX = { minLat: 16.4, maxLat: 16.5, minLng: 107.5, maxLng: 107.65 } as const

export function villageId(unitCode: string, n: number): string {
  return `${unitCode}-${String(n).padStart(2, '0')}`
}

/** Units from the database, alternating phường and xã so small seeds still get both kinds. */
export function pickUnits(db: Db, count: number, prefer: string[] = []): SeedUnit[] {
  const all = db.prepare('SELECT code, name, kind FROM units ORDER BY code').all() as SeedUnit[]
  const preferred = prefer.map((c) => all.find((u) => u.code === c)).filter((u): u is SeedUnit => u !== undefined)
  const phuong = all.filter((u) => u.kind === 'phuong' && !prefer.includes(u.code))
  const xa = all.filter((u) => u.kind === 'xa' && !prefer.includes(u.code))
  const out = [...preferred]
  for (let i = 0; out.length < Math.min(count, all.length); i++) {
    const next = i % 2 === 0 ? (phuong.shift() ?? xa.shift()) : (xa.shift() ?? phuong.shift())
    if (next) out.push(next)
  }
  return out.slice(0, count)
}

/** `perUnit` villages for each unit; unit centres spread on a grid over the box, villages jittered around them. */
export function makeVillages(
  units: SeedUnit[],
  perUnit: number,
  rand: () => number,
  weights?: number[],
): SeedVillage[] {
  const cols = Math.ceil(Math.sqrt(units.length))
  const rows = Math.ceil(units.length / cols)
  const cellLat = (HUE_BOX.maxLat - HUE_BOX.minLat) / rows
  const cellLng = (HUE_BOX.maxLng - HUE_BOX.minLng) / cols
  const out: SeedVillage[] = []
  units.forEach((u, i) => {
    const cLat = HUE_BOX.minLat + cellLat * (Math.floor(i / cols) + 0.5)
    const cLng = HUE_BOX.minLng + cellLng * ((i % cols) + 0.5)
    for (let n = 1; n <= perUnit; n++) {
      out.push({
        id: villageId(u.code, n),
        unitCode: u.code,
        unitKind: u.kind,
        name:
          u.kind === 'phuong' ? `Tổ dân phố ${n}` : `Thôn ${HAMLET_NAMES[(i * perUnit + n - 1) % HAMLET_NAMES.length]}`,
        lat: cLat + (rand() - 0.5) * cellLat * 0.6,
        lng: cLng + (rand() - 0.5) * cellLng * 0.6,
        weight: weights?.[out.length] ?? 0.6 + rand() * 0.8,
      })
    }
  })
  return out
}

/** Splits `total` households over villages in proportion to their weights (largest remainder). */
export function allocate(villages: SeedVillage[], total: number): number[] {
  const sum = villages.reduce((s, v) => s + v.weight, 0)
  const exact = villages.map((v) => (total * v.weight) / sum)
  const counts = exact.map(Math.floor)
  let left = total - counts.reduce((a, b) => a + b, 0)
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0])
  for (const [, i] of order) {
    if (left-- <= 0) break
    counts[i] = (counts[i] ?? 0) + 1
  }
  return counts
}

export function insertVillages(db: Db, villages: SeedVillage[]): void {
  const insert = db.prepare('INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
  db.transaction(() => {
    for (const v of villages) insert.run(v.id, v.unitCode, v.name)
  })()
}
