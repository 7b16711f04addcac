// Upgrades household documents written by older layouts to layout v1 (meta.schemaVersion = 1).
// v0 (the prototype) kept the whole form in one flat root map 'form', members as JSON objects under one key.

import * as Y from 'yjs'
import type { Household, Member } from '../household/types.ts'
import { DEVICES } from '../household/types.ts'
import { HouseholdDoc, type EditResult } from './household-doc.ts'
import { META_KEYS, Root, SCHEMA_VERSION, V0_ROOT, valueFits } from './keys.ts'
import { MEMBER_DEFAULTS } from './snapshot.ts'

export type MigrationResult =
  { ok: true; from: number; to: number } | (Exclude<EditResult, { ok: true }> & { from: number })

/** The layout version a document is in: meta.schemaVersion, or 0 when a v0 'form' root has content, or null when empty. */
export function schemaVersionOf(doc: Y.Doc): number | null {
  const v = doc.getMap(Root.META).get('schemaVersion')
  if (valueFits(META_KEYS.schemaVersion, v)) return v as number
  return doc.share.has(V0_ROOT) && doc.getMap(V0_ROOT).size > 0 ? 0 : null
}

/**
 * Migrate in place to SCHEMA_VERSION, in one transaction with origin {kind:'migration'}. Deterministic (same input →
 * same values, member ids kept), but run it on the server only (SERVER_CLIENT_ID) so devices never migrate concurrently.
 * The v0 root is left untouched (it is history); readers and the layout whitelist ignore it.
 */
export function migrate(doc: Y.Doc): MigrationResult {
  const from = schemaVersionOf(doc)
  if (from === null || from >= SCHEMA_VERSION)
    return { ok: true, from: from ?? SCHEMA_VERSION, to: from ?? SCHEMA_VERSION }
  const h = householdFromV0(doc.getMap<unknown>(V0_ROOT))
  const r = new HouseholdDoc(doc).importHousehold(h, { kind: 'migration' })
  return r.ok ? { ok: true, from, to: SCHEMA_VERSION } : { ...r, from }
}

function householdFromV0(form: Y.Map<unknown>): Household {
  const get = (k: string): unknown => form.get(k)
  const s = (k: string, d = ''): string => (typeof get(k) === 'string' ? (get(k) as string) : d)
  const b = (k: string): boolean => get(k) === true
  const n = (k: string): number | undefined => (typeof get(k) === 'number' ? (get(k) as number) : undefined)
  const pc = n('perCapitaMonthly')
  const b1 = n('b1Score')
  const lat = n('lat')
  const lng = n('lng')
  const rawMembers = Array.isArray(get('members')) ? (get('members') as unknown[]) : []
  const members: Member[] = rawMembers.flatMap((m, i) => {
    if (typeof m !== 'object' || m === null) return []
    const o = m as Record<string, unknown>
    const id = typeof o.id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(o.id) ? o.id : `v0-${i}`
    const picked = Object.fromEntries(
      Object.keys(MEMBER_DEFAULTS)
        .filter((k) => o[k] !== undefined)
        .map((k) => [k, o[k]]),
    )
    return [{ ...MEMBER_DEFAULTS, ...picked, id } as Member]
  })
  const devices = s('devices')
    .split(',')
    .filter((d): d is (typeof DEVICES)[number] => (DEVICES as readonly string[]).includes(d))
  const h: Household = {
    format: 'rasoat.household/1',
    id: s('id'),
    period: s('period'),
    unit: s('unit'),
    village: s('village'),
    address: s('address'),
    location:
      lat !== undefined && lng !== undefined
        ? { lat, lng, accuracyM: n('accuracyM') ?? 0, capturedAt: s('capturedAt', '1970-01-01T00:00:00Z') }
        : null,
    farming: b('farming'),
    income: { ...(pc !== undefined ? { perCapitaMonthly: pc } : {}), ...(b1 !== undefined ? { b1Score: b1 } : {}) },
    members,
    dwelling: {
      hasDwelling: b('hasDwelling'),
      wallDurable: b('wallDurable'),
      columnDurable: b('columnDurable'),
      roofDurable: b('roofDurable'),
      floorAreaM2: n('floorAreaM2') ?? 0,
      water: s('water', 'other') as Household['dwelling']['water'],
      toilet: s('toilet', 'other') as Household['dwelling']['toilet'],
      internet: b('internet'),
      devices,
    },
    attributes: {
      ethnicMinority: b('ethnicMinority'),
      meritoriousFamily: b('meritoriousFamily'),
      socialProtection: b('socialProtection'),
      noWorkingCapacity: b('noWorkingCapacity'),
    },
    causes: [],
    supportNeeds: [],
    photos: [],
  }
  const status = s('status')
  if (status) h.status = status as NonNullable<Household['status']>
  return h
}
