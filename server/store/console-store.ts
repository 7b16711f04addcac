// SQL of the supervisor console's read models: map pins from the household summary, progress counts per village and
// per enumerator, and the devices' reports. Callers pass plain values and get plain rows.
import type { Db } from '../db/open.ts'
import { CATEGORIES, STATUSES, type Category, type Status } from '../../shared/household/types.ts'
import type { VisitFlag } from './visit-flags.ts'

export interface PinRow {
  id: string
  period: string
  unit: string
  village: string
  lat: number
  lng: number
  status: Status
  category: Category
  accuracyM: number | null
  /** The user who last committed an edit (null before any). */
  editor: string | null
  flags: VisitFlag[]
}

/** Counts of one village or one enumerator's villages. */
export interface ProgressCounts {
  assigned: number
  started: number
  submitted: number
  verified: number
  returned: number
  byCategory: Record<Category, number>
}

export interface DeviceReport {
  deviceId: string
  userId: string
  appVersion: string
  unsyncedEdits: number
  unsyncedPhotos: number
  lastContact: number
}

/**
 * Progress stages from the workflow status (DOMAIN.md §1): `started` = any status past assigned; `submitted`,
 * `verified`, `returned` = reached that stage or a later one of the review chain (returned counts the current status).
 */
const STARTED: readonly Status[] = STATUSES.filter((s) => s !== 'listed' && s !== 'assigned')
const SUBMITTED: readonly Status[] = STARTED.filter((s) => s !== 'in_progress' && s !== 'returned')
const VERIFIED: readonly Status[] = SUBMITTED.filter((s) => s !== 'submitted')

export function emptyCounts(): ProgressCounts {
  return {
    assigned: 0,
    started: 0,
    submitted: 0,
    verified: 0,
    returned: 0,
    byCategory: Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>,
  }
}

export function addCounts(into: ProgressCounts, status: Status, category: Category, n: number): void {
  into.assigned += n
  if (STARTED.includes(status)) into.started += n
  if (SUBMITTED.includes(status)) into.submitted += n
  if (VERIFIED.includes(status)) into.verified += n
  if (status === 'returned') into.returned += n
  into.byCategory[category] = (into.byCategory[category] ?? 0) + n
}

interface RawPin extends Omit<PinRow, 'flags'> {
  flags: string
}
const toPin = (r: RawPin): PinRow => ({ ...r, flags: r.flags === '' ? [] : (r.flags.split(',') as VisitFlag[]) })

const PIN_COLUMNS = `id, period, unit_code AS unit, village_id AS village, lat, lng, status, category, accuracy_m AS accuracyM,
  last_editor AS editor, flags`

/**
 * Progress counts (parameters: period, unit, village or null twice); both read the covering index households_progress.
 * The CAST gives PostgreSQL the type of a parameter it only sees tested for NULL.
 */
export const PROGRESS_BY_VILLAGE_SQL = `SELECT v.id AS village, v.name AS name, h.status AS status, h.category AS category, COUNT(h.status) AS n
     FROM villages v LEFT JOIN households h ON h.unit_code = v.unit_code AND h.period = ? AND h.village_id = v.id
     WHERE v.unit_code = ? AND (CAST(? AS TEXT) IS NULL OR v.id = ?) GROUP BY v.id, h.status, h.category ORDER BY v.id`
export const PROGRESS_BY_ENUMERATOR_SQL = `SELECT u.id AS userId, u.display_name AS name, a.village_id AS village, h.status AS status, h.category AS category, COUNT(h.status) AS n
     FROM villages v JOIN assignments a ON a.village_id = v.id JOIN users u ON u.id = a.user_id AND u.role = 'enumerator'
     LEFT JOIN households h ON h.unit_code = v.unit_code AND h.period = ? AND h.village_id = v.id
     WHERE v.unit_code = ? AND (CAST(? AS TEXT) IS NULL OR u.id IN (SELECT user_id FROM assignments WHERE village_id = ?))
     GROUP BY u.id, a.village_id, h.status, h.category ORDER BY u.id, a.village_id`

export interface ConsoleStore {
  /** Every located household of a unit and period. */
  pinsOfUnit(period: string, unit: string): PinRow[]
  /** The committed row of one household (null when it has no position yet or does not exist). */
  pin(householdId: string): { pin: PinRow | null; period: string; unit: string; village: string } | null
  unitsOf(period: string): string[]
  villagesAssignedTo(userId: string): string[]
  villageProgress(
    period: string,
    unit: string,
    village?: string,
  ): { village: string; name: string; counts: ProgressCounts }[]
  enumeratorProgress(
    period: string,
    unit: string,
    village?: string,
  ): { userId: string; name: string; villages: string[]; counts: ProgressCounts }[]
  report(r: DeviceReport): void
  devicesOfUser(userId: string): number
  hasDevice(userId: string, deviceId: string): boolean
  devicesOfUnit(unit: string): (DeviceReport & { name: string })[]
  /** Units whose villages the user is assigned to (a device report is shown to those units' consoles). */
  unitsOfUser(userId: string): string[]
  displayName(userId: string): string | null
}

export function createConsoleStore(db: Db): ConsoleStore {
  const ofUnit = db.prepare(
    `SELECT ${PIN_COLUMNS} FROM households WHERE unit_code = ? AND period = ? AND lat IS NOT NULL AND lng IS NOT NULL`,
  )
  const one = db.prepare(`SELECT ${PIN_COLUMNS} FROM households WHERE id = ?`)
  // 40 index probes on households_unit instead of a DISTINCT over every household of the period.
  const units = db
    .prepare(
      'SELECT u.code FROM units u WHERE EXISTS (SELECT 1 FROM households h WHERE h.unit_code = u.code AND h.period = ?) ORDER BY u.code',
    )
    .pluck()
  const assigned = db.prepare('SELECT village_id FROM assignments WHERE user_id = ? ORDER BY village_id').pluck()
  const byVillage = db.prepare(PROGRESS_BY_VILLAGE_SQL)
  const byEnumerator = db.prepare(PROGRESS_BY_ENUMERATOR_SQL)
  const upsert = db.prepare(
    `INSERT INTO device_reports (device_id, user_id, app_version, unsynced_edits, unsynced_photos, last_contact) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (user_id, device_id) DO UPDATE SET app_version = excluded.app_version, unsynced_edits = excluded.unsynced_edits,
       unsynced_photos = excluded.unsynced_photos, last_contact = excluded.last_contact`,
  )
  const countDevices = db.prepare('SELECT COUNT(*) FROM device_reports WHERE user_id = ?').pluck()
  const hasDevice = db.prepare('SELECT 1 FROM device_reports WHERE user_id = ? AND device_id = ?').pluck()
  const devices = db.prepare(
    `SELECT d.device_id AS deviceId, d.user_id AS userId, u.display_name AS name, d.app_version AS appVersion,
       d.unsynced_edits AS unsyncedEdits, d.unsynced_photos AS unsyncedPhotos, d.last_contact AS lastContact
     FROM device_reports d JOIN users u ON u.id = d.user_id
     WHERE d.user_id IN (SELECT a.user_id FROM assignments a JOIN villages v ON v.id = a.village_id WHERE v.unit_code = ?)
     ORDER BY d.last_contact DESC, d.device_id`,
  )
  const nameOf = db.prepare('SELECT display_name FROM users WHERE id = ?').pluck()
  const userUnits = db
    .prepare(
      'SELECT DISTINCT v.unit_code FROM assignments a JOIN villages v ON v.id = a.village_id WHERE a.user_id = ?',
    )
    .pluck()

  return {
    pinsOfUnit: (period, unit) => (ofUnit.all(unit, period) as RawPin[]).map(toPin),
    pin(householdId) {
      const r = one.get(householdId) as
        (Omit<RawPin, 'lat' | 'lng'> & { lat: number | null; lng: number | null }) | undefined
      if (!r) return null
      const located = r.lat !== null && r.lng !== null
      return { pin: located ? toPin(r as RawPin) : null, period: r.period, unit: r.unit, village: r.village }
    },
    unitsOf: (period) => units.all(period) as string[],
    villagesAssignedTo: (userId) => assigned.all(userId) as string[],
    villageProgress(period, unit, village) {
      const rows = byVillage.all(period, unit, village ?? null, village ?? null) as {
        village: string
        name: string
        status: Status | null
        category: Category | null
        n: number
      }[]
      const out = new Map<string, { village: string; name: string; counts: ProgressCounts }>()
      for (const r of rows) {
        let v = out.get(r.village)
        if (!v) out.set(r.village, (v = { village: r.village, name: r.name, counts: emptyCounts() }))
        if (r.status !== null && r.category !== null) addCounts(v.counts, r.status, r.category, r.n)
      }
      return [...out.values()]
    },
    enumeratorProgress(period, unit, village) {
      const rows = byEnumerator.all(period, unit, village ?? null, village ?? null) as {
        userId: string
        name: string
        village: string
        status: Status | null
        category: Category | null
        n: number
      }[]
      const out = new Map<string, { userId: string; name: string; villages: string[]; counts: ProgressCounts }>()
      for (const r of rows) {
        let e = out.get(r.userId)
        if (!e) out.set(r.userId, (e = { userId: r.userId, name: r.name, villages: [], counts: emptyCounts() }))
        if (!e.villages.includes(r.village)) e.villages.push(r.village)
        if (r.status !== null && r.category !== null) addCounts(e.counts, r.status, r.category, r.n)
      }
      return [...out.values()]
    },
    report: (r) =>
      void upsert.run(r.deviceId, r.userId, r.appVersion, r.unsyncedEdits, r.unsyncedPhotos, r.lastContact),
    devicesOfUser: (userId) => countDevices.get(userId) as number,
    hasDevice: (userId, deviceId) => hasDevice.get(userId, deviceId) !== undefined,
    devicesOfUnit: (unit) => devices.all(unit) as (DeviceReport & { name: string })[],
    unitsOfUser: (userId) => userUnits.all(userId) as string[],
    displayName: (userId) => (nameOf.get(userId) as string | undefined) ?? null,
  }
}
