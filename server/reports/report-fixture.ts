// Test support: a report dataset whose every figure is known by construction — three periods (2023, 2024 closed;
// 2025 open), household records linked to their predecessors, categories chosen through income and deprivations.
// Records are real Yjs documents stored by the doc store (the summary and report facts come from the production
// projection). Only tests import this.

import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { SERVER_CLIENT_ID } from '../../shared/doc/keys.ts'
import { MEMBER_DEFAULTS } from '../../shared/doc/snapshot.ts'
import type { Household, Status } from '../../shared/household/types.ts'
import type { RunningServer } from '../server.ts'

export type Kind = 'poor' | 'near_poor' | 'average' | 'not_poor' | 'incomplete'

export interface RecordSpec {
  id: string
  period: string
  unit: string
  village: string
  kind: Kind
  /** Deprived indicators, from I04 I07 I08 I09 I10 I11 I12 (poor needs ≥ 3, near-poor < 3). */
  dep?: string[]
  attrs?: Partial<Household['attributes']>
  causes?: string[]
  status?: Status
  previous?: string
}

/** A one-member household deprived exactly in `dep`, whose income puts it in `kind`. */
export function householdOf(r: RecordSpec): Omit<Household, 'format'> {
  const dep = new Set(r.dep ?? [])
  const income =
    r.kind === 'poor' || r.kind === 'near_poor'
      ? { perCapitaMonthly: 1_000_000 }
      : r.kind === 'average'
        ? { perCapitaMonthly: 2_200_000 }
        : r.kind === 'not_poor'
          ? { perCapitaMonthly: 6_000_000 }
          : {}
  return {
    id: r.id,
    period: r.period,
    unit: r.unit,
    village: r.village,
    address: `${r.id} đường Lê Lợi`,
    location: { lat: 16.46, lng: 107.59, accuracyM: 8, capturedAt: `${r.period}-09-10T08:00:00Z` },
    farming: r.kind === 'average',
    income,
    members: [
      {
        ...MEMBER_DEFAULTS,
        id: `${r.id}-m0`,
        fullName: `Chủ hộ ${r.id}`,
        relation: 'head',
        sex: 'male',
        birthDate: '1980-01-01',
        ableToWork: true,
        employment: 'wage_with_contract',
        healthInsurance: !dep.has('I04'),
        education: 'upper_secondary',
      },
    ],
    dwelling: {
      hasDwelling: true,
      wallDurable: !dep.has('I07'),
      columnDurable: true,
      roofDurable: !dep.has('I07'),
      floorAreaM2: dep.has('I08') ? 5 : 60,
      water: dep.has('I09') ? 'surface_water' : 'piped',
      toilet: dep.has('I10') ? 'none' : 'septic',
      internet: !dep.has('I11'),
      devices: dep.has('I12') ? [] : ['tv', 'smartphone'],
    },
    attributes: {
      ethnicMinority: false,
      meritoriousFamily: false,
      socialProtection: false,
      noWorkingCapacity: false,
      ...r.attrs,
    },
    causes: r.causes ?? [],
    supportNeeds: [],
    ...(r.status ? { status: r.status } : {}),
    photos: [],
  }
}

const P = (id: string, period: string, village: string, kind: Kind, more: Partial<RecordSpec> = {}): RecordSpec => ({
  id,
  period,
  unit: village === 'C' ? '20014' : '19900',
  village,
  kind,
  ...more,
})

/** Village A and B in Thuận An (19900), village C in Hóa Châu (20014). Expected figures: report-expected.ts. */
export const RECORDS: RecordSpec[] = [
  // 2023
  P('a3-23', '2023', 'A', 'poor', { dep: ['I04', 'I08', 'I09'] }),
  P('b2-23', '2023', 'B', 'near_poor'),
  // 2024
  P('a1-24', '2024', 'A', 'poor', { dep: ['I04', 'I08', 'I09'] }),
  P('a3-24', '2024', 'A', 'not_poor', { previous: 'a3-23' }),
  P('a4-24', '2024', 'A', 'near_poor'),
  P('a5-24', '2024', 'A', 'poor', { dep: ['I04', 'I08', 'I09'] }),
  P('a6-24', '2024', 'A', 'near_poor'),
  P('a7-24', '2024', 'A', 'poor', { dep: ['I04', 'I08', 'I09'] }),
  P('a9-24', '2024', 'A', 'not_poor'),
  P('a10-24', '2024', 'A', 'poor', { dep: ['I04', 'I08', 'I09'] }),
  P('ag1-24', '2024', 'A', 'poor', { dep: ['I04', 'I08', 'I09'] }),
  P('ag2-24', '2024', 'A', 'near_poor'),
  P('ag3-24', '2024', 'A', 'not_poor'),
  P('b1-24', '2024', 'B', 'near_poor'),
  P('b2-24', '2024', 'B', 'not_poor', { previous: 'b2-23' }),
  P('c1-24', '2024', 'C', 'poor', { dep: ['I04', 'I08', 'I09'] }),
  // 2025 (open)
  P('a1', '2025', 'A', 'poor', {
    dep: ['I04', 'I08', 'I09'],
    attrs: { ethnicMinority: true },
    causes: ['lack_capital', 'illness'],
    status: 'submitted',
    previous: 'a1-24',
  }),
  P('a2', '2025', 'A', 'poor', {
    dep: ['I04', 'I10', 'I11', 'I12'],
    attrs: { meritoriousFamily: true },
    causes: ['lack_capital'],
    status: 'in_progress',
  }),
  P('a3', '2025', 'A', 'poor', {
    dep: ['I07', 'I08', 'I09'],
    attrs: { noWorkingCapacity: true },
    causes: ['illness'],
    previous: 'a3-24',
  }),
  P('a4', '2025', 'A', 'near_poor', {
    dep: ['I04'],
    attrs: { socialProtection: true },
    causes: ['lack_land'],
    status: 'verified',
    previous: 'a4-24',
  }),
  P('a5', '2025', 'A', 'near_poor', { previous: 'a5-24' }),
  P('a6', '2025', 'A', 'average', { previous: 'a6-24' }),
  P('a7', '2025', 'A', 'not_poor', { previous: 'a7-24' }),
  P('a8', '2025', 'A', 'not_poor'),
  P('a9', '2025', 'A', 'not_poor', { previous: 'a9-24' }),
  P('a10', '2025', 'A', 'incomplete', { previous: 'a10-24' }),
  P('b1', '2025', 'B', 'poor', {
    dep: ['I04', 'I07', 'I11'],
    attrs: { ethnicMinority: true },
    causes: ['no_job'],
    previous: 'b1-24',
  }),
  P('b2', '2025', 'B', 'near_poor', { dep: ['I09', 'I10'], previous: 'b2-24' }),
  P('b3', '2025', 'B', 'not_poor'),
  P('c1', '2025', 'C', 'poor', { dep: ['I04', 'I08', 'I12'], previous: 'c1-24' }),
  P('c2', '2025', 'C', 'not_poor'),
]

/** Periods 2023 → 2024 → 2025 (2025 current and open), villages A, B, C, and every record of RECORDS. */
export function seedReportWorld(s: Pick<RunningServer, 'db' | 'docStore'>, records = RECORDS): void {
  const { db, docStore } = s
  db.transaction(() => {
    const period = db.prepare(
      `INSERT INTO periods (id, standard, reference_date, is_current, status, previous_id, closed_at)
       VALUES (?, 'ND07_2022_2025', ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET standard = excluded.standard, reference_date = excluded.reference_date,
         is_current = excluded.is_current, status = excluded.status, previous_id = excluded.previous_id,
         opened_at = NULL, closed_at = excluded.closed_at`,
    )
    period.run('2023', '2023-09-01', 0, 'closed', null, Date.UTC(2023, 11, 20))
    period.run('2024', '2024-09-01', 0, 'closed', '2023', Date.UTC(2024, 11, 20))
    period.run('2025', '2025-09-01', 1, 'open', '2024', null)
    const village = db.prepare('INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
    village.run('A', '19900', 'Thôn An Dương')
    village.run('B', '19900', 'Thôn Hải Tiến')
    village.run('C', '20014', 'Thôn Châu Sơn')
    const link = db.prepare('UPDATE households SET previous_id = ? WHERE id = ?')
    for (const r of records) {
      const doc = HouseholdDoc.create(householdOf(r), { clientId: SERVER_CLIENT_ID })
      docStore.createHousehold(
        { id: r.id, period: r.period, unitCode: r.unit, villageId: r.village },
        Y.encodeStateAsUpdate(doc.ydoc),
        'seed',
      )
      doc.ydoc.destroy()
      if (r.previous) link.run(r.previous, r.id)
    }
  })()
}
