// An admin's replacement for the bundled unit list (shared/units/hue-units.json, same shape): checked whole — JSON
// syntax with its line, then each unit with its JSON path — and applied in one transaction, or not at all.

import { z } from 'zod'
import type { Db } from '../db/open.ts'
import { jsonErrorOffset, lineOf } from './json-position.ts'

export interface UnitFileError {
  /** JSON path of the offending value (`$.units[3].code`), or `$` for the file as a whole. */
  path: string
  /** 1-based line of a syntax error, when there is one. */
  line?: number
  message: string
}

export interface ParsedUnit {
  code: string
  name: string
  kind: 'phuong' | 'xa'
  areaType: 'urban' | 'rural'
}

const KINDS: Record<string, ParsedUnit['kind']> = { phường: 'phuong', phuong: 'phuong', xã: 'xa', xa: 'xa' }
const AREA_OF_KIND = { phuong: 'urban', xa: 'rural' } as const

const UnitsFileSchema = z.object({
  format: z.literal('rasoat.units/1'),
  province: z.object({ code: z.string().min(1), name: z.string().min(1) }).optional(),
  validFrom: z.iso.date().optional(),
  source: z.string().min(1),
  note: z.string().optional(),
  units: z
    .array(
      z
        .object({
          code: z.string().regex(/^\d{5}$/, 'unit code must be 5 digits'),
          name: z.string().trim().min(1, 'name must not be empty').max(120),
          kind: z.string(),
          areaType: z.enum(['urban', 'rural']).optional(),
        })
        .strict(),
    )
    .min(1)
    .max(1000),
})

const jsonPath = (path: readonly PropertyKey[]): string =>
  '$' + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')

/** The line where the text stops being JSON. */
function syntaxError(text: string, err: unknown): UnitFileError {
  const message = err instanceof Error ? err.message : String(err)
  const at = jsonErrorOffset(text)
  return { path: '$', ...(at !== null ? { line: lineOf(text, at) } : {}), message: `not valid JSON: ${message}` }
}

/** Parses and checks a unit list: codes unique, kind phường/xã, area type consistent with the kind, names non-empty. */
export function parseUnitFile(raw: string): { ok: true; units: ParsedUnit[] } | { ok: false; errors: UnitFileError[] } {
  const text = raw.replace(/^\uFEFF/, '')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    return { ok: false, errors: [syntaxError(text, err)] }
  }
  const parsed = UnitsFileSchema.safeParse(json)
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((i) => ({ path: jsonPath(i.path), message: i.message })) }
  }
  const errors: UnitFileError[] = []
  const seen = new Map<string, number>()
  const units: ParsedUnit[] = []
  parsed.data.units.forEach((u, i) => {
    const kind = KINDS[u.kind.normalize('NFC').toLowerCase()]
    if (kind === undefined) {
      errors.push({ path: `$.units[${i}].kind`, message: 'kind must be "phường" or "xã"' })
      return
    }
    if (u.areaType !== undefined && u.areaType !== AREA_OF_KIND[kind]) {
      errors.push({
        path: `$.units[${i}].areaType`,
        message: `a ${u.kind} is ${AREA_OF_KIND[kind]}, not ${u.areaType}`,
      })
    }
    const first = seen.get(u.code)
    if (first !== undefined) {
      errors.push({ path: `$.units[${i}].code`, message: `duplicate unit code ${u.code} (also $.units[${first}])` })
    }
    seen.set(u.code, i)
    units.push({ code: u.code, name: u.name.trim(), kind, areaType: AREA_OF_KIND[kind] })
  })
  return errors.length > 0 ? { ok: false, errors } : { ok: true, units }
}

export interface UnitReplacement {
  added: string[]
  changed: string[]
  removed: string[]
}

/** A unit the new list leaves out while villages, households or users still name it. */
export class UnitsInUseError extends Error {
  constructor(readonly codes: string[]) {
    super(`units still in use: ${codes.join(', ')}`)
  }
}

/** Applies a checked list: new units added, names and kinds updated, units left out removed — all or nothing. */
export function replaceUnits(db: Db, units: readonly ParsedUnit[]): UnitReplacement {
  return db.transaction((): UnitReplacement => {
    const before = new Map(
      (db.prepare('SELECT code, name, kind, area_type AS areaType FROM units').all() as ParsedUnit[]).map((u) => [
        u.code,
        u,
      ]),
    )
    const keep = new Set(units.map((u) => u.code))
    const removed = [...before.keys()].filter((c) => !keep.has(c)).sort()
    const used = db.prepare(
      `SELECT 1 WHERE EXISTS (SELECT 1 FROM villages WHERE unit_code = @c) OR EXISTS (SELECT 1 FROM households WHERE unit_code = @c)
         OR EXISTS (SELECT 1 FROM users WHERE unit_code = @c)`,
    )
    const inUse = removed.filter((c) => used.get({ c }) !== undefined)
    if (inUse.length > 0) throw new UnitsInUseError(inUse)
    const upsert = db.prepare(
      `INSERT INTO units (code, name, kind, area_type) VALUES (?, ?, ?, ?)
       ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, area_type = excluded.area_type`,
    )
    const added: string[] = []
    const changed: string[] = []
    for (const u of units) {
      const old = before.get(u.code)
      if (!old) added.push(u.code)
      else if (old.name !== u.name || old.kind !== u.kind) changed.push(u.code)
      upsert.run(u.code, u.name, u.kind, u.areaType)
    }
    const del = db.prepare('DELETE FROM units WHERE code = ?')
    for (const c of removed) del.run(c)
    return { added: added.sort(), changed: changed.sort(), removed }
  })()
}
