// HouseholdDoc: the typed API over one household's Y.Doc. Screens and the server call intent methods; each is ONE
// transaction with a typed origin, writes only values that changed, and never deletes (layout: docs/household-document.md).

export {
  REMOTE_ORIGIN,
  toEditOrigin,
  type EditError,
  type EditErrorCode,
  type EditOrigin,
  type EditResult,
} from './edits.ts'

import * as Y from 'yjs'
import type { B1Table } from '../rules/b1-table.ts'
import { b1AnswerWrites } from './b1-answers.ts'
import {
  DEVICES,
  type AreaType,
  type Attributes,
  type Device,
  type Dwelling,
  type Household,
  type Income,
  type Location,
  type Member,
  type PhotoRef,
  type Status,
} from '../household/types.ts'
import {
  ATTRIBUTE_KEYS,
  b1AnswerFits,
  DWELLING_KEYS,
  ENTITY_KEY,
  FIELD_KEYS,
  HISTORY_ENTRY_KEYS,
  INCOME_KEYS,
  LOCATION_KEYS,
  MEMBER_KEYS,
  PHOTO_KEY,
  PHOTO_KEYS,
  REVIEW_KEY,
  Root,
  SCHEMA_VERSION,
  SCREEN_KEYS,
  valueFits,
  type KeySpecs,
  type RootName,
} from './keys.ts'
import {
  applyWrites,
  firstInvalid,
  firstRefused,
  incomeValues,
  invalid,
  OK,
  planFields,
  planSet,
  REMOTE_ORIGIN,
  rootSpecs,
  toEditOrigin,
  type EditError,
  type EditOrigin,
  type EditResult,
  type Write,
} from './edits.ts'
import { parsePath, pathOf, specOf } from './paths.ts'
import {
  readMembers,
  readSnapshot,
  readStatus,
  type HouseholdSnapshot,
  type ReviewValue,
  type ScreenResult,
} from './snapshot.ts'
import {
  acceptProposal,
  propose,
  readProposals,
  rejectProposal,
  type Proposal,
  type ProposalInit,
} from './proposals.ts'
import { canTransition, meetingOutcome, postingEnd, type FieldComment, type ReviewDetails } from './workflow.ts'

/** Top-level primitive fields settable with setField (id is fixed at creation). */
export interface TopFieldValues {
  period: string
  referenceDate: string | null
  unit: string
  areaType: AreaType | null
  village: string
  address: string
  farming: boolean
}
export type TopFieldPath = keyof TopFieldValues

export type MemberFields = Omit<Member, 'id'>
export type DwellingPatch = Partial<Omit<Dwelling, 'devices' | 'waste'>> & {
  waste?: Dwelling['waste'] | null
  devices?: Device[]
}
export type HouseholdInit = Pick<Household, 'id' | 'period' | 'unit' | 'village' | 'address'> &
  Partial<Omit<Household, 'format'>>
export interface CreateOptions {
  /** Yjs client id for the creating doc (SERVER_CLIENT_ID when the server imports). */
  clientId?: number
  origin?: EditOrigin
  /** The Y.Doc's guid (never encoded); given, it spares Yjs a random uuidv4 — 16 crypto calls, the bulk path's largest cost. */
  guid?: string
}

/** What the enumerator records about a household found in the field. */
export interface FoundHousehold {
  id: string
  period: string
  unit: string
  village: string
  address: string
  headName: string
}

/** Who makes a review step: the user's id, display name and the server's clock (ISO). */
export interface Reviewer {
  id: string
  name?: string
  at?: string
}

function reviewed(
  by: Reviewer,
  comment: string | null = null,
  details: ReviewDetails = {},
): { by: string; comment: string | null; at?: string; details: ReviewDetails } {
  const withName = by.name === undefined ? details : { byName: by.name, ...details }
  return by.at === undefined
    ? { by: by.id, comment, details: withName }
    : { by: by.id, comment, at: by.at, details: withName }
}

export class HouseholdDoc {
  constructor(readonly ydoc: Y.Doc) {}

  /** A new household document; throws TypeError naming the path when `init` has an invalid value (callers validate first). */
  static create(init: HouseholdInit, options: CreateOptions = {}): HouseholdDoc {
    const ydoc = options.guid === undefined ? new Y.Doc() : new Y.Doc({ guid: options.guid })
    if (options.clientId !== undefined) ydoc.clientID = options.clientId
    const doc = new HouseholdDoc(ydoc)
    const r = doc.importHousehold(init, options.origin ?? { kind: 'import' })
    if (!r.ok) throw new TypeError(`${r.code}: ${r.reason}`)
    return doc
  }

  /**
   * A HouseholdDoc over stored state (V1 update). The client id is set AFTER loading: Yjs gives a doc a new random
   * client id when a remote update carries structs of its own id — the server would lose SERVER_CLIENT_ID otherwise.
   */
  static load(state: Uint8Array, options: { clientId?: number } = {}): HouseholdDoc {
    const ydoc = new Y.Doc()
    Y.applyUpdate(ydoc, state, REMOTE_ORIGIN)
    if (options.clientId !== undefined) ydoc.clientID = options.clientId
    return new HouseholdDoc(ydoc)
  }

  get id(): string {
    const v = this.map(Root.FIELDS).get('id')
    return typeof v === 'string' ? v : ''
  }

  read(): HouseholdSnapshot {
    return readSnapshot(this.ydoc)
  }

  get status(): Status {
    return readStatus(this.ydoc)
  }

  /** Whether a question has an answer (not missing, not null). Unanswered ones read as defaults in read(). */
  answered(path: string): boolean {
    const loc = parsePath(path)
    if (!loc) return false
    const map = loc.entity === undefined ? this.map(loc.root) : this.entity(loc.root, loc.entity)
    const v = map?.get(loc.key)
    return v !== undefined && v !== null
  }

  /** cb runs after every transaction that changed the document, with its origin. Returns unsubscribe. */
  onChange(cb: (origin: EditOrigin) => void): () => void {
    const handler = (_update: Uint8Array, origin: unknown): void => cb(toEditOrigin(origin))
    this.ydoc.on('update', handler)
    return () => this.ydoc.off('update', handler)
  }

  // ——— intents ———

  setField<P extends TopFieldPath>(path: P, value: TopFieldValues[P]): EditResult {
    return this.apply('setField', [...this.fieldWrites(Root.FIELDS, FIELD_KEYS, { [path]: value }, (k) => k !== 'id')])
  }

  /** The income evidence becomes exactly `evidence`: a figure left out is cleared, the other one is kept as it is. */
  setIncome(evidence: Income): EditResult {
    const income = this.map(Root.INCOME)
    const values: Record<string, unknown> = {
      kind: null,
      perCapitaMonthly: null,
      b1Score: null,
      ...Object.fromEntries(incomeValues(evidence)),
    }
    for (const k of Object.keys(values)) if (values[k] === null && !income.has(k)) delete values[k]
    return this.checked('setIncome', Root.INCOME, values, income)
  }

  /**
   * One Phiếu B1 answer (`null` clears it), checked against the loaded point table, and in the same transaction the
   * total the interchange format carries: income.b1Score = the table's score once every item is answered, else none.
   */
  answerB1(table: B1Table, itemId: string, value: string | number | null): EditResult {
    const writes = b1AnswerWrites(this.ydoc, table, itemId, value)
    return Array.isArray(writes) ? this.apply('answerB1', writes) : writes
  }

  setDwelling(patch: DwellingPatch): EditResult {
    const { devices, ...fields } = patch
    const writes = this.fieldWrites(Root.DWELLING, DWELLING_KEYS, fields)
    if (devices !== undefined) writes.push(...this.setWrites(Root.DEVICES, DEVICES, devices))
    return this.apply('setDwelling', writes)
  }

  /** Devices are one boolean per device, so two enumerators ticking different devices both keep their tick. */
  setDevices(devices: readonly Device[]): EditResult {
    return this.apply('setDevices', this.setWrites(Root.DEVICES, DEVICES, devices))
  }

  setCauses(codes: readonly string[]): EditResult {
    return this.apply('setCauses', this.setWrites(Root.CAUSES, null, codes))
  }

  setSupportNeeds(codes: readonly string[]): EditResult {
    return this.apply('setSupportNeeds', this.setWrites(Root.SUPPORT_NEEDS, null, codes))
  }

  setAttributes(patch: Partial<Attributes>): EditResult {
    return this.apply('setAttributes', this.fieldWrites(Root.ATTRIBUTES, ATTRIBUTE_KEYS, patch))
  }

  setLocation(loc: Location | null): EditResult {
    const values = loc ?? { lat: null, lng: null, accuracyM: null, capturedAt: null }
    return this.checked(
      'setLocation',
      Root.LOCATION,
      { lat: values.lat, lng: values.lng, accuracyM: values.accuracyM, capturedAt: values.capturedAt },
      this.map(Root.LOCATION),
    )
  }

  setQuickScreen(result: ScreenResult | null, reason: string | null): EditResult {
    return this.apply('setQuickScreen', this.fieldWrites(Root.SCREEN, SCREEN_KEYS, { result, reason }))
  }

  /** Adds a member under a new UUID (or init.id for imports). Only the given fields are written. */
  addMember(init: Partial<MemberFields> & { id?: string } = {}): { ok: true; id: string } | EditError {
    const { id = globalThis.crypto.randomUUID(), ...fields } = init
    if (!ENTITY_KEY.test(id)) return invalid('members', id)
    if (this.map(Root.MEMBERS).has(id))
      return { ok: false, code: 'household/invalid-value', path: `members.${id}`, reason: `member ${id} exists` }
    const values: Record<string, unknown> = { ...fields, position: this.nextPosition(), removed: false }
    const bad = firstInvalid(MEMBER_KEYS, values, (k) => pathOf(Root.MEMBERS, k, id))
    if (bad) return bad
    this.transact('addMember', () => {
      const m = new Y.Map<unknown>()
      this.map(Root.MEMBERS).set(id, m)
      for (const [k, v] of Object.entries(values)) if (v !== undefined) m.set(k, v)
    })
    return { ok: true, id }
  }

  updateMember(id: string, patch: Partial<MemberFields>): EditResult {
    const m = this.entity(Root.MEMBERS, id)
    if (!m || m.get('removed') === true)
      return { ok: false, code: 'household/member-not-found', path: `members.${id}`, reason: `no member ${id}` }
    return this.checked('updateMember', Root.MEMBERS, patch, m, id)
  }

  /** Sets removed: true (never Y.Map.delete, so a concurrent edit of the member stays detectable). */
  removeMember(id: string): EditResult {
    const m = this.entity(Root.MEMBERS, id)
    if (!m) return { ok: false, code: 'household/member-not-found', path: `members.${id}`, reason: `no member ${id}` }
    return this.apply('removeMember', [[m, 'removed', true]])
  }

  attachPhoto(ref: PhotoRef): EditResult {
    if (!PHOTO_KEY.test(ref.sha256)) return invalid('photos', ref.sha256)
    const values = { kind: ref.kind, capturedAt: ref.capturedAt, removed: false }
    const bad = firstInvalid(PHOTO_KEYS, values, (k) => pathOf(Root.PHOTOS, k, ref.sha256))
    if (bad) return bad
    const existing = this.entity(Root.PHOTOS, ref.sha256)
    if (existing) return this.checked('attachPhoto', Root.PHOTOS, values, existing, ref.sha256)
    this.transact('attachPhoto', () => {
      const m = new Y.Map<unknown>()
      this.map(Root.PHOTOS).set(ref.sha256, m)
      for (const [k, v] of Object.entries(values)) m.set(k, v)
    })
    return OK
  }

  detachPhoto(sha256: string): EditResult {
    const m = this.entity(Root.PHOTOS, sha256)
    if (!m)
      return { ok: false, code: 'household/photo-not-found', path: `photos.${sha256}`, reason: `no photo ${sha256}` }
    return this.apply('detachPhoto', [[m, 'removed', true]])
  }

  /** Corrects the head's name: the live member whose relation is head (the server's field history keeps the old one). */
  setHeadName(fullName: string): EditResult {
    const head = this.members().find((m) => m.relation === 'head')
    if (!head)
      return { ok: false, code: 'household/member-not-found', path: 'members', reason: 'the household has no head' }
    const m = this.entity(Root.MEMBERS, head.id)
    if (!m)
      return {
        ok: false,
        code: 'household/member-not-found',
        path: `members.${head.id}`,
        reason: `no member ${head.id}`,
      }
    return this.checked('setHeadName', Root.MEMBERS, { fullName }, m, head.id)
  }

  /** Corrects the household's address (the server's field history keeps the old one). */
  setAddress(address: string): EditResult {
    return this.apply('setAddress', this.fieldWrites(Root.FIELDS, FIELD_KEYS, { address }))
  }

  /**
   * Moves the record along the DOMAIN.md §1 state machine and appends a history entry; refuses other moves.
   * `details` is review data (keys.ts HISTORY_REVIEW_KEYS), written by the server's review routes only.
   */
  changeStatus(
    to: Status,
    by: { by: string; comment?: string | null; at?: string; details?: ReviewDetails },
  ): EditResult {
    const from = this.status
    if (!canTransition(from, to))
      return {
        ok: false,
        code: 'household/invalid-transition',
        path: 'workflow.status',
        reason: `${from} → ${to} is not allowed`,
      }
    const entry: Record<string, unknown> = {
      from,
      to,
      by: by.by,
      at: by.at ?? new Date().toISOString(),
      comment: by.comment ?? null,
    }
    for (const [k, v] of Object.entries(by.details ?? {})) if (v !== undefined) entry[k] = v
    const bad = firstInvalid(HISTORY_ENTRY_KEYS, entry, (k) => `history.${k}`)
    if (bad) return bad
    this.transact('changeStatus', () => {
      this.map(Root.WORKFLOW).set('status', to)
      this.ydoc.getArray(Root.HISTORY).push([entry])
    })
    return OK
  }

  /**
   * A household found in the field (not on the list), created on the phone in an empty document: id, place, address and
   * the head of household, marked pending the supervisor's approval — one transaction. The relay accepts it only in a
   * village assigned to the enumerator (docs/server.md "Households found in the field").
   */
  foundInField(init: FoundHousehold): { ok: true; id: string } | EditError {
    if (this.id !== '')
      return {
        ok: false,
        code: 'household/invalid-value',
        path: 'id',
        reason: 'the document already holds a household',
      }
    const headName = init.headName.trim()
    if (headName === '' || headName.length > 200) return invalid('members.fullName', init.headName)
    let result: { ok: true; id: string } | EditError = { ok: true, id: init.id }
    this.transact('foundInField', () => {
      const r = this.importHousehold(
        { id: init.id, period: init.period, unit: init.unit, village: init.village, address: init.address.trim() },
        { kind: 'local', intent: 'foundInField' },
      )
      if (!r.ok) {
        result = r
        return
      }
      const head = this.addMember({ fullName: headName, relation: 'head' })
      if (!head.ok) result = head
      else this.map(Root.WORKFLOW).set('admission', 'pending')
    })
    return result
  }

  /** The supervisor's decision on a household found in the field (server-written, review routes). */
  decideAdmission(decision: 'approved' | 'rejected'): EditResult {
    const current = this.read().workflow.admission
    if (current !== 'pending')
      return {
        ok: false,
        code: 'household/invalid-transition',
        path: 'workflow.admission',
        reason: `admission is ${current ?? 'not asked'}`,
      }
    this.transact('decideAdmission', () => this.map(Root.WORKFLOW).set('admission', decision))
    return OK
  }

  // ——— review steps (written by the server under SERVER_CLIENT_ID; review-routes.ts) ———

  verify(by: Reviewer, comment: string | null = null): EditResult {
    return this.changeStatus('verified', reviewed(by, comment))
  }

  /** Returns the record for rework with a general comment and/or comments at single fields (at least one). */
  returnForRework(by: Reviewer, comment: string | null, fieldComments: readonly FieldComment[] = []): EditResult {
    if (!comment && fieldComments.length === 0)
      return { ok: false, code: 'household/invalid-value', path: 'history.comment', reason: 'a return needs a comment' }
    const unknownField = fieldComments.find((c) => parsePath(c.path) === null)
    if (unknownField)
      return {
        ok: false,
        code: 'household/unknown-path',
        path: unknownField.path,
        reason: `no field ${unknownField.path}`,
      }
    return this.changeStatus(
      'returned',
      reviewed(by, comment, fieldComments.length > 0 ? { fieldComments: [...fieldComments] } : {}),
    )
  }

  /** The village meeting's result: accepted at ≥ 50 % of attendees agreeing, otherwise back to the enumerator. */
  recordMeeting(
    by: Reviewer,
    meeting: { date: string; attendees: number; agreeing: number },
    comment: string | null = null,
  ): EditResult {
    if (meeting.agreeing > meeting.attendees)
      return {
        ok: false,
        code: 'household/invalid-value',
        path: 'history.agreeing',
        reason: 'more agreeing than attendees',
      }
    const to = meetingOutcome(meeting.attendees, meeting.agreeing)
    return this.changeStatus(
      to,
      reviewed(by, comment, { meetingDate: meeting.date, attendees: meeting.attendees, agreeing: meeting.agreeing }),
    )
  }

  /** Public posting for POSTING_WORKING_DAYS working days from `from`. */
  post(by: Reviewer, from: string, comment: string | null = null): EditResult {
    if (this.status !== 'agreed_at_meeting')
      return {
        ok: false,
        code: 'household/invalid-transition',
        path: 'workflow.status',
        reason: `${this.status} → posted needs a meeting result`,
      }
    return this.changeStatus('posted', reviewed(by, comment, { postedFrom: from, postedUntil: postingEnd(from) }))
  }

  /** A complaint during posting: the record is re-checked (phúc tra). */
  startRecheck(by: Reviewer, comment: string): EditResult {
    return this.changeStatus('under_recheck', reviewed(by, comment))
  }

  /** The re-check is done: the record is posted again (the posting dates stay those of the first posting). */
  endRecheck(by: Reviewer, comment: string): EditResult {
    if (this.status !== 'under_recheck')
      return {
        ok: false,
        code: 'household/invalid-transition',
        path: 'workflow.status',
        reason: `${this.status} is not under re-check`,
      }
    return this.changeStatus('posted', reviewed(by, comment))
  }

  approve(by: Reviewer, decision: { number: string; date: string }, comment: string | null = null): EditResult {
    return this.changeStatus(
      'approved',
      reviewed(by, comment, { decisionNumber: decision.number, decisionDate: decision.date }),
    )
  }

  certify(by: Reviewer, comment: string | null = null): EditResult {
    return this.changeStatus('certified', reviewed(by, comment))
  }

  /**
   * Server-side admin resolution of a conflict: writes `value` at `path` on top of the current value (so it is
   * sequential, never itself a conflict). Run it on a doc whose clientID is SERVER_CLIENT_ID, loaded from full state.
   */
  resolveField(path: string, value: unknown, conflictId?: string): EditResult {
    const loc = parsePath(path)
    if (!loc || loc.root === Root.HISTORY || loc.root === Root.REVIEW)
      return { ok: false, code: 'household/unknown-path', path, reason: `cannot resolve ${path}` }
    const spec = specOf(loc)
    // Phiếu B1 answers have no single value spec: an option id or a number (b1AnswerFits).
    const fits = loc.root === Root.B1_ANSWERS ? b1AnswerFits(value) : spec !== undefined && valueFits(spec, value)
    if (!fits) return invalid(path, value)
    const map = loc.entity === undefined ? this.map(loc.root) : this.entity(loc.root, loc.entity)
    if (!map) return { ok: false, code: 'household/unknown-path', path, reason: `no ${loc.root} entry ${loc.entity}` }
    const origin: EditOrigin =
      conflictId === undefined ? { kind: 'server-resolution' } : { kind: 'server-resolution', conflictId }
    // Always write, even an equal value: the resolution must be the newest item so every replica shows it as decided.
    this.ydoc.transact(() => map.set(loc.key, value), origin)
    return OK
  }

  /** Server-written review notes (e.g. 'resolved.dwelling.roofDurable' → admin name). */
  setReviewNote(key: string, value: ReviewValue): EditResult {
    if (!REVIEW_KEY.test(key)) return invalid(`review.${key}`, key)
    const map = this.map(Root.REVIEW)
    if (map.has(key) && map.get(key) === value) return OK
    this.ydoc.transact(() => map.set(key, value), { kind: 'server-resolution' } satisfies EditOrigin)
    return OK
  }

  /** Register proposals (server-written; see proposals.ts), sorted by id. */
  proposals(): Proposal[] {
    return readProposals(this.ydoc)
  }

  /** Server: proposes the register's values for a member (or a new person); nothing when `id` exists already. */
  propose(id: string, init: ProposalInit): EditResult {
    return propose(this.ydoc, id, init)
  }

  /** Enumerator: the register's values become the member's (their own edit); the proposal is marked accepted. */
  acceptProposal(id: string): EditResult {
    return acceptProposal(this.ydoc, id)
  }

  /** Enumerator: keeps their values; the proposal is marked rejected. */
  rejectProposal(id: string): EditResult {
    return rejectProposal(this.ydoc, id)
  }

  // ——— internals ———

  /** Writes a whole household (create / import) in one transaction. */
  importHousehold(h: HouseholdInit, origin: EditOrigin): EditResult {
    const writes: Write[] = [[this.map(Root.META), 'schemaVersion', SCHEMA_VERSION]]
    const top: Record<string, unknown> = {
      id: h.id,
      period: h.period,
      unit: h.unit,
      village: h.village,
      address: h.address,
    }
    for (const k of ['referenceDate', 'areaType', 'farming'] as const) if (h[k] !== undefined) top[k] = h[k]
    writes.push(...this.fieldWrites(Root.FIELDS, FIELD_KEYS, top))
    if (h.income) writes.push(...this.fieldWrites(Root.INCOME, INCOME_KEYS, Object.fromEntries(incomeValues(h.income))))
    if (h.location !== undefined && h.location !== null)
      writes.push(...this.fieldWrites(Root.LOCATION, LOCATION_KEYS, { ...h.location }))
    if (h.dwelling) {
      const { devices, ...rest } = h.dwelling
      writes.push(
        ...this.fieldWrites(Root.DWELLING, DWELLING_KEYS, rest),
        ...this.setWrites(Root.DEVICES, DEVICES, devices),
      )
    }
    if (h.attributes) writes.push(...this.fieldWrites(Root.ATTRIBUTES, ATTRIBUTE_KEYS, { ...h.attributes }))
    if (h.causes) writes.push(...this.setWrites(Root.CAUSES, null, h.causes))
    if (h.supportNeeds) writes.push(...this.setWrites(Root.SUPPORT_NEEDS, null, h.supportNeeds))
    if (h.status) writes.push([this.map(Root.WORKFLOW), 'status', h.status])
    const bad = firstRefused(writes)
    if (bad) return bad
    const members = (h.members ?? []).map((m, i) => ({ ...m, position: i, removed: false }))
    for (const m of members) {
      const { id, ...fields } = m
      if (!ENTITY_KEY.test(id)) return invalid('members', id)
      const e = firstInvalid(MEMBER_KEYS, fields, (k) => pathOf(Root.MEMBERS, k, id))
      if (e) return e
    }
    for (const p of h.photos ?? []) {
      if (!PHOTO_KEY.test(p.sha256)) return invalid('photos', p.sha256)
      const e = firstInvalid(PHOTO_KEYS, { kind: p.kind, capturedAt: p.capturedAt }, (k) =>
        pathOf(Root.PHOTOS, k, p.sha256),
      )
      if (e) return e
    }
    this.ydoc.transact(() => {
      for (const [map, key, value] of writes) if (!map.has(key) || map.get(key) !== value) map.set(key, value)
      for (const { id, ...fields } of members) {
        this.map(Root.MEMBERS).set(id, new Y.Map<unknown>(Object.entries(fields).filter(([, v]) => v !== undefined)))
      }
      for (const p of h.photos ?? []) {
        this.map(Root.PHOTOS).set(
          p.sha256,
          new Y.Map<unknown>([
            ['kind', p.kind],
            ['capturedAt', p.capturedAt],
            ['removed', false],
          ]),
        )
      }
    }, origin)
    return OK
  }

  private map(root: string): Y.Map<unknown> {
    return this.ydoc.getMap<unknown>(root)
  }

  private entity(root: string, id: string): Y.Map<unknown> | undefined {
    const v = this.map(root).get(id)
    return v instanceof Y.Map ? (v as Y.Map<unknown>) : undefined
  }

  private nextPosition(): number {
    let max = -1
    for (const v of this.map(Root.MEMBERS).values()) {
      const p = v instanceof Y.Map ? v.get('position') : undefined
      if (typeof p === 'number' && p > max) max = p
    }
    return max + 1
  }

  private transact(intent: string, fn: () => void): void {
    this.ydoc.transact(fn, { kind: 'local', intent } satisfies EditOrigin)
  }

  private fieldWrites(
    root: RootName,
    specs: KeySpecs,
    values: Record<string, unknown>,
    allow?: (k: string) => boolean,
  ): Write[] {
    return planFields(this.map(root), root, specs, values, allow)
  }

  private setWrites(root: RootName, allowed: readonly string[] | null, selected: readonly string[]): Write[] {
    return planSet(this.map(root), root, allowed, selected)
  }

  /** Writes to `map` (a root or an entity map) validated against the root's key specs; `position` is not for callers. */
  private checked(
    intent: string,
    root: RootName,
    values: Record<string, unknown>,
    map: Y.Map<unknown>,
    entity?: string,
  ): EditResult {
    return this.apply(
      intent,
      planFields(map, root, rootSpecs(root), values, (k) => k !== 'position', entity),
    )
  }

  /** Validate all writes, then perform the changed ones in one transaction (none if nothing changed). */
  private apply(intent: string, writes: Write[]): EditResult {
    return applyWrites(this.ydoc, { kind: 'local', intent }, writes)
  }

  /** Members in display order (convenience for screens; same as read().household.members). */
  members(): Member[] {
    return readMembers(this.ydoc)
  }
}
