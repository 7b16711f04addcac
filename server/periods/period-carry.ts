// Carry-over into a new review period: each household the previous period lists (poor, near-poor, admitted from the
// field) becomes a new record — status listed, identity data only, linked by previous_id — built and stored the way
// the register import creates households. Batches in their own transactions; only one batch's documents in memory.

import { randomUUID } from 'node:crypto'
import { setImmediate as nextTurn } from 'node:timers/promises'
import * as Y from 'yjs'
import { REMOTE_ORIGIN } from '../../shared/doc/edits.ts'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { pathOf } from '../../shared/doc/paths.ts'
import { REGISTER_PERSON_KEYS } from '../../shared/doc/proposals.ts'
import { Root, SERVER_CLIENT_ID } from '../../shared/doc/keys.ts'
import type { Member } from '../../shared/household/types.ts'
import type { Db } from '../db/open.ts'
import type { DocStore } from '../store/doc-store.ts'
import type { PeriodStore } from './period-store.ts'

/** Records per transaction: large enough to amortise the commit, small enough to keep the relay answering between. */
export const CARRY_BATCH = 500

export interface CarryTarget {
  id: string
  period: string
  referenceDate: string
}

/**
 * The first state of the carried record: where the household lives and who its members are (only the identity answers
 * the previous record holds: personal ID, name, sex, birth date, relation, ethnicity). Every survey answer — income,
 * dwelling, work, schooling, insurance, attributes, causes, needs, location, photos, Phiếu A, review — is asked again.
 */
export function carriedState(previous: HouseholdDoc, target: CarryTarget): Uint8Array {
  const h = previous.read().household
  const members = h.members.map((m) => {
    const identity: Partial<Member> = { id: m.id }
    for (const k of REGISTER_PERSON_KEYS)
      if (previous.answered(pathOf(Root.MEMBERS, k, m.id))) Object.assign(identity, { [k]: m[k] })
    return identity as Member // unanswered keys stay unanswered (a missing answer is never a deprivation)
  })
  // HouseholdDoc.create without its Y.Doc's random guid: a uuidv4 costs 16 crypto calls, a fifth of a carry's time.
  const doc = new HouseholdDoc(new Y.Doc({ guid: target.id }))
  doc.ydoc.clientID = SERVER_CLIENT_ID
  const made = doc.importHousehold(
    {
      id: target.id,
      period: target.period,
      referenceDate: target.referenceDate,
      unit: h.unit,
      ...(h.areaType !== undefined && h.areaType !== null ? { areaType: h.areaType } : {}),
      village: h.village,
      address: h.address,
      status: 'listed',
      members,
    },
    { kind: 'import' },
  )
  if (!made.ok) throw new TypeError(`${made.code}: ${made.reason}`) // the old record's values passed the same checks
  const update = Y.encodeStateAsUpdate(doc.ydoc)
  doc.ydoc.destroy()
  return update
}

export interface CarryDeps {
  db: Db
  docStore: DocStore
  periods: PeriodStore
}

export interface CarryOptions {
  from: string
  to: { id: string; referenceDate: string }
  /** Recorded as the creator of the new records. */
  by: string
  batchSize?: number
  /** After each committed batch, with the running total. */
  onBatch?: (carried: number) => void
}

/**
 * Carries what `to` has not carried yet from `from`; returns how many records it created. Safe to run again (a resumed
 * carry picks up where an interrupted one stopped; the database refuses a second record of the same household).
 */
export async function carryHouseholds(deps: CarryDeps, opts: CarryOptions): Promise<number> {
  const batchSize = opts.batchSize ?? CARRY_BATCH
  let after = ''
  let carried = 0
  const carryBatch = deps.db.transaction((): { seen: number; created: number } => {
    let created = 0
    const sources = deps.periods.carryBatch(opts.from, opts.to.id, after, batchSize)
    for (const source of sources) {
      const state = deps.docStore.readState(source.id)
      if (state === null) continue // a summary row without a document: nothing to carry
      const old = new Y.Doc({ guid: source.id })
      Y.applyUpdate(old, state, REMOTE_ORIGIN)
      const previous = new HouseholdDoc(old)
      const id = randomUUID()
      const update = carriedState(previous, { id, period: opts.to.id, referenceDate: opts.to.referenceDate })
      previous.ydoc.destroy()
      deps.docStore.createHousehold(
        { id, period: opts.to.id, unitCode: source.unitCode, villageId: source.villageId },
        update,
        opts.by,
      )
      deps.periods.linkPrevious(id, source.id)
      created++
    }
    const last = sources[sources.length - 1]
    if (last !== undefined) after = last.id
    return { seen: sources.length, created }
  })
  for (;;) {
    const { seen, created } = carryBatch()
    carried += created
    opts.onBatch?.(carried)
    if (seen < batchSize) return carried
    await nextTurn() // the relay and the API answer between batches
  }
}
