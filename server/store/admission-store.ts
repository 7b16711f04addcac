// Households found in the field: the place checks their creation needs (the village, its unit, the enumerator's
// assignment) and the admission column of the summary row (migration 007). SQL only here.
import type { Db } from '../db/open.ts'
import type { Admission } from '../../shared/doc/keys.ts'

export interface AdmissionStore {
  /** The village's unit, or null when there is no such village. */
  unitOfVillage(villageId: string): string | null
  isAssigned(userId: string, villageId: string): boolean
  /** Households waiting for approval in the villages assigned to the user. */
  pendingInArea(userId: string): number
  /** In the caller's transaction. */
  setAdmission(householdId: string, admission: Admission): void
}

export function createAdmissionStore(db: Db): AdmissionStore {
  const village = db.prepare('SELECT unit_code FROM villages WHERE id = ?').pluck()
  const assigned = db.prepare('SELECT 1 FROM assignments WHERE user_id = ? AND village_id = ?').pluck()
  const update = db.prepare('UPDATE households SET admission = ? WHERE id = ?')
  const pending = db
    .prepare(
      `SELECT COUNT(*) FROM households WHERE admission = 'pending' AND village_id IN (SELECT village_id FROM assignments WHERE user_id = ?)`,
    )
    .pluck()
  return {
    unitOfVillage: (villageId) => (village.get(villageId) as string | undefined) ?? null,
    isAssigned: (userId, villageId) => assigned.get(userId, villageId) !== undefined,
    pendingInArea: (userId) => pending.get(userId) as number,
    setAdmission: (householdId, admission) => void update.run(admission, householdId),
  }
}
