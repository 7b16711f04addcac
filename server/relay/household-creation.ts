// A household found in the field arrives as a DOC update for an id the server does not know: the relay creates it
// only for an enumerator, in a village assigned to them, in the village's unit and the current period, marked pending.
// Everything else is refused with a code and nothing is stored (docs/server.md "Households found in the field").
import * as Y from 'yjs'
import type { User } from '../auth/access.ts'
import type { Db } from '../db/open.ts'
import { currentPeriod } from '../db/reference-data.ts'
import { createAdmissionStore } from '../store/admission-store.ts'
import type { HouseholdWriter, SubmitResult } from '../store/household-writer.ts'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { REMOTE_ORIGIN } from '../../shared/doc/edits.ts'
import type { HouseholdSnapshot } from '../../shared/doc/snapshot.ts'

export type CreationResult = { kind: 'not-a-creation' } | SubmitResult

export type CreateHousehold = (user: User, householdId: string, update: Uint8Array, deviceId: string) => CreationResult

/**
 * Households found in the field waiting for approval in one enumerator's villages, beyond which more are refused: a
 * stolen or careless login cannot flood the supervisor's list (genuine finds are a handful per village).
 */
export const MAX_PENDING_PER_ENUMERATOR = 100

const refused = (reason: string): SubmitResult => ({ kind: 'rejected', code: 'sync/creation-refused', reason })

export function createHouseholdCreation(
  db: Db,
  writer: HouseholdWriter,
  opts: { maxPending?: number } = {},
): CreateHousehold {
  const maxPending = opts.maxPending ?? MAX_PENDING_PER_ENUMERATOR
  const places = createAdmissionStore(db)
  return (user, householdId, update, deviceId) => {
    let found: HouseholdSnapshot
    try {
      const doc = new Y.Doc()
      Y.applyUpdate(doc, update, REMOTE_ORIGIN)
      found = new HouseholdDoc(doc).read()
      doc.destroy()
    } catch {
      return { kind: 'not-a-creation' } // bytes that do not decode: answered like any unknown household
    }
    const h = found.household
    if (h.id === '') return { kind: 'not-a-creation' }
    if (user.role !== 'enumerator') return refused('only an enumerator adds a household found in the field')
    if (h.id !== householdId) return refused(`the document is household ${h.id.slice(0, 64)}, not ${householdId}`)
    if (found.workflow.admission !== 'pending')
      return refused('a household found in the field waits for approval (admission pending)')
    const unit = places.unitOfVillage(h.village)
    if (unit === null || !places.isAssigned(user.id, h.village))
      return refused(`village ${h.village.slice(0, 64)} is not assigned to you`)
    if (h.unit !== unit) return refused(`village ${h.village} belongs to unit ${unit}, not ${h.unit.slice(0, 32)}`)
    const period = currentPeriod(db)
    if (h.period !== period) return refused(`the current review period is ${period}`)
    if (places.pendingInArea(user.id) >= maxPending)
      return refused(`${maxPending} households already wait for approval in your villages`)
    return writer.create(
      { id: householdId, period, unitCode: unit, villageId: h.village },
      update,
      { userId: user.id, deviceId },
      () => places.setAdmission(householdId, 'pending'),
    )
  }
}
