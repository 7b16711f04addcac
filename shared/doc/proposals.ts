// Register proposals in a household document: the server proposes what the population register says about a member
// (never overwriting the enumerator's answers); the enumerator accepts (the register's values become the member's, as
// their own edit) or rejects. Reached through HouseholdDoc's intents; only this folder spells the keys.

import * as Y from 'yjs'
import type { Member } from '../household/types.ts'
import { firstInvalid, invalid, OK, type EditError, type EditOrigin, type EditResult } from './edits.ts'
import { ENTITY_KEY, MEMBER_KEYS, PROPOSAL_DECISIONS, PROPOSAL_KEYS, Root } from './keys.ts'
import { pathOf } from './paths.ts'

/** The register's facts about one person. */
export type RegisterPerson = Pick<Member, 'personalId' | 'fullName' | 'sex' | 'birthDate' | 'relation' | 'ethnicity'>
export const REGISTER_PERSON_KEYS = ['personalId', 'fullName', 'sex', 'birthDate', 'relation', 'ethnicity'] as const

export type ProposalDecision = (typeof PROPOSAL_DECISIONS)[number]

export interface ProposalInit extends RegisterPerson {
  /** The member the register person matched, or null for a person the household does not list. */
  memberId: string | null
  importId: string
}

export interface Proposal extends ProposalInit {
  id: string
  decision: ProposalDecision | null
}

const notFound = (id: string): EditError => ({
  ok: false,
  code: 'household/proposal-not-found',
  path: `proposals.${id}`,
  reason: `no proposal ${id}`,
})

function proposalMap(ydoc: Y.Doc, id: string): Y.Map<unknown> | undefined {
  const v = ydoc.getMap<unknown>(Root.PROPOSALS).get(id)
  return v instanceof Y.Map ? (v as Y.Map<unknown>) : undefined
}

export function readProposals(ydoc: Y.Doc): Proposal[] {
  const out: Proposal[] = []
  for (const [id, v] of ydoc.getMap<unknown>(Root.PROPOSALS).entries()) {
    if (!(v instanceof Y.Map)) continue
    const m = v as Y.Map<unknown>
    const get = <T>(k: string, fallback: T): T => (m.has(k) ? (m.get(k) as T) : fallback)
    out.push({
      id,
      memberId: get<string | null>('memberId', null),
      personalId: get<string | null>('personalId', null),
      fullName: get('fullName', ''),
      sex: get<Member['sex']>('sex', 'male'),
      birthDate: get('birthDate', ''),
      relation: get<Member['relation']>('relation', 'other'),
      ethnicity: get('ethnicity', ''),
      importId: get('importId', ''),
      decision: get<ProposalDecision | null>('decision', null),
    })
  }
  return out.sort((a, b) => a.id.localeCompare(b.id))
}

export function hasProposal(ydoc: Y.Doc, id: string): boolean {
  return proposalMap(ydoc, id) !== undefined
}

/** Server: records a proposal under `id` (nothing when it exists already, whatever its decision). */
export function propose(ydoc: Y.Doc, id: string, init: ProposalInit): EditResult {
  if (!ENTITY_KEY.test(id)) return invalid(Root.PROPOSALS, id)
  if (proposalMap(ydoc, id)) return OK
  const values: Record<string, unknown> = { ...init, decision: null }
  const bad = firstInvalid(PROPOSAL_KEYS, values, (k) => pathOf(Root.PROPOSALS, k, id))
  if (bad) return bad
  ydoc.transact(
    () => {
      ydoc.getMap<unknown>(Root.PROPOSALS).set(id, new Y.Map<unknown>(Object.entries(values)))
    },
    { kind: 'import' } satisfies EditOrigin,
  )
  return OK
}

function position(ydoc: Y.Doc): number {
  let max = -1
  for (const v of ydoc.getMap<unknown>(Root.MEMBERS).values()) {
    const p = v instanceof Y.Map ? v.get('position') : undefined
    if (typeof p === 'number' && p > max) max = p
  }
  return max + 1
}

/**
 * Enumerator: the register's values become the member's (a new member when the proposal names none, or when its
 * member was removed since), and the proposal is marked accepted — one transaction, only changed values written.
 */
export function acceptProposal(ydoc: Y.Doc, id: string): EditResult {
  const p = proposalMap(ydoc, id)
  if (!p) return notFound(id)
  if (p.get('decision') === 'accepted') return OK
  const person: Record<string, unknown> = Object.fromEntries(REGISTER_PERSON_KEYS.map((k) => [k, p.get(k)]))
  const memberId = p.get('memberId')
  const members = ydoc.getMap<unknown>(Root.MEMBERS)
  const existing = typeof memberId === 'string' ? members.get(memberId) : undefined
  const target = existing instanceof Y.Map && existing.get('removed') !== true ? (existing as Y.Map<unknown>) : null
  const newId = target ? null : globalThis.crypto.randomUUID()
  const bad = firstInvalid(MEMBER_KEYS, person, (k) =>
    pathOf(Root.MEMBERS, k, typeof memberId === 'string' ? memberId : (newId ?? '')),
  )
  if (bad) return bad
  ydoc.transact(
    () => {
      if (target) {
        for (const [k, v] of Object.entries(person)) if (target.get(k) !== v) target.set(k, v)
      } else if (newId) {
        members.set(
          newId,
          new Y.Map<unknown>([...Object.entries(person), ['position', position(ydoc)], ['removed', false]]),
        )
      }
      p.set('decision', 'accepted')
    },
    { kind: 'local', intent: 'acceptProposal' } satisfies EditOrigin,
  )
  return OK
}

/** Enumerator: the proposal is set aside; the member keeps the enumerator's values. */
export function rejectProposal(ydoc: Y.Doc, id: string): EditResult {
  const p = proposalMap(ydoc, id)
  if (!p) return notFound(id)
  if (p.get('decision') === 'rejected') return OK
  ydoc.transact(() => p.set('decision', 'rejected'), { kind: 'local', intent: 'rejectProposal' } satisfies EditOrigin)
  return OK
}
