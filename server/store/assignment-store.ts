// Who holds which household: village assignments, household-level assignees (migration 009) and the release grants a
// move leaves to the previous enumerators until their devices have pushed what they hold (docs/server.md "Assignments").
// SQL only here; the route validates, this applies a whole move in one transaction.

import type { Db } from '../db/open.ts'

export interface PlaceRow {
  id: string
  unitCode: string
}

export interface HouseholdPlaceRow extends PlaceRow {
  villageId: string
  assigneeId: string | null
}

export interface PersonRow {
  id: string
  role: string
  unitCode: string | null
  disabled: boolean
}

export interface Move {
  households: readonly string[]
  villages: readonly string[]
  from: string | null
  to: string
}

export interface MoveCounts {
  /** Households moved one by one. */
  households: number
  villages: number
  /** Households that changed hands with their village. */
  householdsInVillages: number
  /** Release grants written for previous enumerators. */
  released: number
}

export interface AssignmentList {
  unit: string
  villages: { id: string; name: string; enumerators: string[] }[]
  /** Households with their own assignee (they override their village's enumerators). */
  households: { id: string; villageId: string; assigneeId: string }[]
  released: { householdId: string; userId: string; releasedAt: number }[]
  enumerators: { id: string; username: string; displayName: string }[]
}

export interface AssignmentStore {
  household(id: string): HouseholdPlaceRow | undefined
  village(id: string): PlaceRow | undefined
  person(id: string): PersonRow | undefined
  /** Whether the enumerator belongs to the unit (their own unit, or a village of theirs in it). */
  enumeratorInUnit(userId: string, unitCode: string): boolean
  /** The enumerators holding a household now: its own assignee, else its village's. */
  holders(household: HouseholdPlaceRow): string[]
  villageEnumerators(villageId: string): string[]
  move(m: Move, now: number): MoveCounts
  list(unitCode: string): AssignmentList
  /**
   * A MANIFEST from one of the user's devices: a released household it lists is marked as held by that device; one it
   * no longer lists after holding it was removed there — the device's hold ends, and with the last hold the grant.
   * Returns the grants ended.
   */
  noteManifest(userId: string, deviceId: string, listed: { has(id: string): boolean }): number
}

/** Devices remembered per release grant (a user has a phone or two). */
export const MAX_HOLDERS = 8

export function createAssignmentStore(db: Db): AssignmentStore {
  const householdRow = db.prepare(
    'SELECT id, unit_code AS unitCode, village_id AS villageId, assignee_id AS assigneeId FROM households WHERE id = ?',
  )
  const villageRow = db.prepare('SELECT id, unit_code AS unitCode FROM villages WHERE id = ?')
  const personRow = db.prepare('SELECT id, role, unit_code AS unitCode, disabled FROM users WHERE id = ?')
  const inUnit = db
    .prepare(
      'SELECT 1 FROM users u WHERE u.id = ? AND (u.unit_code = ? OR EXISTS (SELECT 1 FROM assignments a JOIN villages v ON v.id = a.village_id WHERE a.user_id = u.id AND v.unit_code = ?))',
    )
    .pluck()
  const enumeratorsOf = db.prepare('SELECT user_id FROM assignments WHERE village_id = ? ORDER BY user_id').pluck()
  const setAssignee = db.prepare('UPDATE households SET assignee_id = ? WHERE id = ?')
  const villageHouseholds = db.prepare('SELECT id, assignee_id FROM households WHERE village_id = ?').raw()
  const unassign = db.prepare('DELETE FROM assignments WHERE user_id = ? AND village_id = ?')
  const assign = db.prepare('INSERT INTO assignments (user_id, village_id) VALUES (?, ?) ON CONFLICT DO NOTHING')
  const grant = db.prepare(
    `INSERT INTO released_households (household_id, user_id, released_at) VALUES (?, ?, ?)
     ON CONFLICT (household_id, user_id) DO UPDATE SET released_at = excluded.released_at`,
  )
  const endGrant = db.prepare('DELETE FROM released_households WHERE household_id = ? AND user_id = ?')
  const grantsOf = db.prepare('SELECT household_id, holders FROM released_households WHERE user_id = ?').raw()
  const setHolders = db.prepare('UPDATE released_households SET holders = ? WHERE household_id = ? AND user_id = ?')

  function holders(h: HouseholdPlaceRow): string[] {
    return h.assigneeId !== null ? [h.assigneeId] : (enumeratorsOf.all(h.villageId) as string[])
  }

  /** `id` now belongs to `to` alone among `before`: the others get a grant, `to` needs none. */
  function release(id: string, before: readonly string[], to: string, now: number): number {
    let n = 0
    for (const p of before) {
      if (p === to) continue
      grant.run(id, p, now)
      n++
    }
    endGrant.run(id, to)
    return n
  }

  const move = db.transaction((m: Move, now: number): MoveCounts => {
    const counts: MoveCounts = { households: 0, villages: 0, householdsInVillages: 0, released: 0 }
    for (const id of m.households) {
      const h = householdRow.get(id) as HouseholdPlaceRow
      counts.released += release(id, holders(h), m.to, now)
      setAssignee.run(m.to, id)
      counts.households++
    }
    for (const villageId of m.villages) {
      const before = enumeratorsOf.all(villageId) as string[]
      const leaving = m.from === null ? before : [m.from]
      for (const u of leaving) unassign.run(u, villageId)
      assign.run(m.to, villageId)
      const after = enumeratorsOf.all(villageId) as string[]
      for (const [id, assignee] of villageHouseholds.all(villageId) as [string, string | null][]) {
        if (assignee === null) {
          counts.released += release(
            id,
            before.filter((u) => !after.includes(u)),
            m.to,
            now,
          )
          counts.householdsInVillages++
        } else if (m.from === null || assignee === m.from) {
          // The whole village (or the leaving enumerator's share of it) goes to `to`, one-by-one moves included.
          counts.released += release(id, [assignee], m.to, now)
          setAssignee.run(m.from === null ? null : m.to, id)
          counts.householdsInVillages++
        }
      }
      counts.villages++
    }
    return counts
  })

  const noteManifest = db.transaction(
    (userId: string, deviceId: string, listed: { has(id: string): boolean }): number => {
      let ended = 0
      for (const [householdId, json] of grantsOf.all(userId) as [string, string][]) {
        const held = JSON.parse(json) as string[]
        const has = held.includes(deviceId)
        // Bounded: device ids are the client's to choose; beyond the cap the grant still ends with its time.
        if (listed.has(householdId) && !has) {
          if (held.length < MAX_HOLDERS) setHolders.run(JSON.stringify([...held, deviceId]), householdId, userId)
        } else if (!listed.has(householdId) && has) {
          const rest = held.filter((d) => d !== deviceId)
          if (rest.length > 0) setHolders.run(JSON.stringify(rest), householdId, userId)
          else {
            endGrant.run(householdId, userId)
            ended++
          }
        }
      }
      return ended
    },
  )

  return {
    household: (id) => householdRow.get(id) as HouseholdPlaceRow | undefined,
    village: (id) => villageRow.get(id) as PlaceRow | undefined,
    person(id) {
      const r = personRow.get(id) as (Omit<PersonRow, 'disabled'> & { disabled: number }) | undefined
      return r && { ...r, disabled: r.disabled !== 0 }
    },
    enumeratorInUnit: (userId, unitCode) => inUnit.get(userId, unitCode, unitCode) !== undefined,
    holders,
    villageEnumerators: (villageId) => enumeratorsOf.all(villageId) as string[],
    move,
    list(unitCode) {
      const villages = (
        db.prepare('SELECT id, name FROM villages WHERE unit_code = ? ORDER BY id').all(unitCode) as {
          id: string
          name: string
        }[]
      ).map((v) => ({
        ...v,
        enumerators: enumeratorsOf.all(v.id) as string[],
      }))
      const households = db
        .prepare(
          'SELECT id, village_id AS villageId, assignee_id AS assigneeId FROM households WHERE unit_code = ? AND assignee_id IS NOT NULL ORDER BY id',
        )
        .all(unitCode) as AssignmentList['households']
      const released = db
        .prepare(
          `SELECT r.household_id AS householdId, r.user_id AS userId, r.released_at AS releasedAt
           FROM released_households r JOIN households h ON h.id = r.household_id WHERE h.unit_code = ? ORDER BY r.household_id, r.user_id`,
        )
        .all(unitCode) as AssignmentList['released']
      const enumerators = db
        .prepare(
          `SELECT u.id, u.username, u.display_name AS displayName FROM users u WHERE u.role = 'enumerator' AND u.disabled = 0 AND (u.unit_code = ?
             OR EXISTS (SELECT 1 FROM assignments a JOIN villages v ON v.id = a.village_id WHERE a.user_id = u.id AND v.unit_code = ?)) ORDER BY u.username`,
        )
        .all(unitCode, unitCode) as AssignmentList['enumerators']
      return { unit: unitCode, villages, households, released, enumerators }
    },
    noteManifest,
  }
}
