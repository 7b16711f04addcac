// Villages of a commune as an admin keeps them: create, rename, merge one into another, and who is assigned to each.
// SQL only here; each change is one transaction. Domain errors are data (VillageError with a stable code).

import type { Db } from '../db/open.ts'
import { foldForSearch } from '../../shared/text/fold.ts'

export type VillageErrorCode =
  | 'village/not-found'
  | 'village/other-commune'
  | 'village/merge-into-itself'
  | 'village/name-taken'
  | 'unit/not-found'
  | 'user/not-found'
  | 'assignment/not-an-enumerator'

export class VillageError extends Error {
  constructor(
    readonly code: VillageErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

export interface AdminVillage {
  id: string
  unitCode: string
  name: string
  householdCount: number
  enumerators: { id: string; username: string; displayName: string }[]
}

export interface MergeResult {
  from: string
  into: string
  households: number
  /** Enumerators of the merged village now assigned to the one it joined (those already there not counted). */
  assignments: number
}

export interface VillageStore {
  list(unitCode: string): AdminVillage[]
  create(unitCode: string, name: string): { id: string; unitCode: string; name: string }
  rename(id: string, name: string): { id: string; unitCode: string; name: string; previousName: string }
  merge(from: string, into: string): MergeResult
  assign(villageId: string, username: string): { added: boolean; userId: string }
  /** Ends an assignment; the village's households leave a release grant so the phone's unsent edits still arrive. */
  unassign(villageId: string, username: string, now: number): { removed: boolean; released: number }
}

interface VillageRow {
  id: string
  unitCode: string
  name: string
}

/** Village ids are `<unit code>-<n>`: short, stable, and never reused by a rename. */
function nextId(db: Db, unitCode: string): string {
  const taken = new Set(db.prepare('SELECT id FROM villages WHERE unit_code = ?').pluck().all(unitCode) as string[])
  let n = taken.size + 1
  while (taken.has(`${unitCode}-${n}`) || db.prepare('SELECT 1 FROM villages WHERE id = ?').get(`${unitCode}-${n}`)) n++
  return `${unitCode}-${n}`
}

export function createVillageStore(db: Db): VillageStore {
  const villageRow = db.prepare('SELECT id, unit_code AS unitCode, name FROM villages WHERE id = ?')
  const namesOf = db.prepare('SELECT id, name FROM villages WHERE unit_code = ?')
  const userRow = db.prepare('SELECT id, role, unit_code AS unitCode, disabled FROM users WHERE username = ?')

  function village(id: string): VillageRow {
    const v = villageRow.get(id) as VillageRow | undefined
    if (!v) throw new VillageError('village/not-found', `no village ${id}`, { id })
    return v
  }

  /** Names compare without case or diacritics: "Thôn 1" and "thon 1" are the same village to a reader. */
  function refuseTakenName(unitCode: string, name: string, except: string | null): void {
    const key = foldForSearch(name)
    for (const v of namesOf.all(unitCode) as { id: string; name: string }[]) {
      if (v.id !== except && foldForSearch(v.name) === key) {
        throw new VillageError('village/name-taken', `the commune already has a village named ${v.name}`, { id: v.id })
      }
    }
  }

  function enumerator(username: string): { id: string; unitCode: string | null } {
    const u = userRow.get(username) as
      { id: string; role: string; unitCode: string | null; disabled: number } | undefined
    if (!u) throw new VillageError('user/not-found', `no user ${username}`, { username })
    if (u.role !== 'enumerator' || u.disabled !== 0) {
      throw new VillageError('assignment/not-an-enumerator', `${username} is not an active enumerator`, { username })
    }
    return u
  }

  return {
    list(unitCode) {
      const rows = db
        .prepare(
          `SELECT v.id, v.unit_code AS unitCode, v.name,
                  (SELECT COUNT(*) FROM households h WHERE h.village_id = v.id) AS householdCount
           FROM villages v WHERE v.unit_code = ? ORDER BY v.name, v.id`,
        )
        .all(unitCode) as Omit<AdminVillage, 'enumerators'>[]
      const people = db.prepare(
        `SELECT u.id, u.username, u.display_name AS displayName FROM assignments a JOIN users u ON u.id = a.user_id
         WHERE a.village_id = ? ORDER BY u.username`,
      )
      return rows.map((v) => ({ ...v, enumerators: people.all(v.id) as AdminVillage['enumerators'] }))
    },

    create: db.transaction((unitCode: string, name: string) => {
      if (!db.prepare('SELECT 1 FROM units WHERE code = ?').get(unitCode)) {
        throw new VillageError('unit/not-found', `no unit ${unitCode}`, { unitCode })
      }
      refuseTakenName(unitCode, name, null)
      // Nothing inserted: another relay on the same database took the id since nextId looked; the next one is free.
      const insert = db.prepare(
        'INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING',
      )
      let id = nextId(db, unitCode)
      while (insert.run(id, unitCode, name).changes === 0) id = nextId(db, unitCode)
      return { id, unitCode, name }
    }),

    rename: db.transaction((id: string, name: string) => {
      const v = village(id)
      refuseTakenName(v.unitCode, name, id)
      db.prepare('UPDATE villages SET name = ? WHERE id = ?').run(name, id)
      return { id, unitCode: v.unitCode, name, previousName: v.name }
    }),

    merge: db.transaction((from: string, into: string): MergeResult => {
      if (from === into)
        throw new VillageError('village/merge-into-itself', 'a village cannot merge into itself', { id: from })
      const a = village(from)
      const b = village(into)
      if (a.unitCode !== b.unitCode) {
        throw new VillageError('village/other-commune', 'the villages belong to different communes', {
          from: a.unitCode,
          into: b.unitCode,
        })
      }
      const households = db.prepare('UPDATE households SET village_id = ? WHERE village_id = ?').run(into, from).changes
      const assignments = db
        .prepare(
          'INSERT INTO assignments (user_id, village_id) SELECT user_id, ? FROM assignments WHERE village_id = ? ON CONFLICT DO NOTHING',
        )
        .run(into, from).changes
      db.prepare('DELETE FROM assignments WHERE village_id = ?').run(from)
      db.prepare('DELETE FROM villages WHERE id = ?').run(from)
      return { from, into, households, assignments }
    }),

    assign: db.transaction((villageId: string, username: string) => {
      const v = village(villageId)
      const u = enumerator(username)
      if (u.unitCode !== null && u.unitCode !== v.unitCode) {
        throw new VillageError('village/other-commune', `${username} works in another commune`, {
          username,
          unitCode: u.unitCode,
        })
      }
      const added = db
        .prepare('INSERT INTO assignments (user_id, village_id) VALUES (?, ?) ON CONFLICT DO NOTHING')
        .run(u.id, villageId)
      db.prepare(
        'DELETE FROM released_households WHERE user_id = ? AND household_id IN (SELECT id FROM households WHERE village_id = ? AND assignee_id IS NULL)',
      ).run(u.id, villageId)
      return { added: added.changes > 0, userId: u.id }
    }),

    unassign: db.transaction((villageId: string, username: string, now: number) => {
      village(villageId)
      const u = userRow.get(username) as { id: string } | undefined
      if (!u) throw new VillageError('user/not-found', `no user ${username}`, { username })
      const removed = db.prepare('DELETE FROM assignments WHERE user_id = ? AND village_id = ?').run(u.id, villageId)
      if (removed.changes === 0) return { removed: false, released: 0 }
      const released = db
        .prepare(
          `INSERT INTO released_households (household_id, user_id, released_at)
           SELECT id, ?, ? FROM households WHERE village_id = ? AND assignee_id IS NULL
           ON CONFLICT (household_id, user_id) DO UPDATE SET released_at = excluded.released_at`,
        )
        .run(u.id, now, villageId).changes
      return { removed: true, released }
    }),
  }
}
