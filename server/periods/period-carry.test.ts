// The first state of a carried record (carriedState): identity answers only, and only those the old record had; removed
// members stay behind; the new record is listed, in the new period, with the new reference date.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { pathOf } from '../../shared/doc/paths.ts'
import { Root } from '../../shared/doc/keys.ts'
import type { Member } from '../../shared/household/types.ts'
import { exampleInit } from '../test-support/period-fixtures.ts'
import { carriedState } from './period-carry.ts'

const TARGET = { id: 'new-record', period: '2026', referenceDate: '2026-09-01' }

describe('carriedState', () => {
  it('PC-S1 keeps unanswered identity answers unanswered and leaves removed members behind', () => {
    const old = HouseholdDoc.create({
      id: 'old-record',
      period: '2025',
      unit: '19900',
      village: 'v1',
      address: '3 Lê Lợi',
      // Partial members, as the register import writes them: only what is known.
      members: [
        { id: 'm-head', fullName: 'Lê Văn Ba', sex: 'male', relation: 'head' } as Member,
        { id: 'm-gone', fullName: 'Lê Thị Tư', sex: 'female', birthDate: '1950-02-02', relation: 'parent' } as Member,
      ],
    })
    expect(old.removeMember('m-gone').ok).toBe(true)
    expect(old.updateMember('m-head', { employment: 'self_employed', healthInsurance: true }).ok).toBe(true)

    const doc = new HouseholdDoc(new Y.Doc())
    Y.applyUpdate(doc.ydoc, carriedState(old, TARGET))
    const h = doc.read().household
    expect(h).toMatchObject({ id: 'new-record', period: '2026', referenceDate: '2026-09-01', address: '3 Lê Lợi' })
    expect(doc.status).toBe('listed')
    expect(h.members.map((m) => m.id)).toEqual(['m-head'])
    const answered = (k: string) => doc.answered(pathOf(Root.MEMBERS, k, 'm-head'))
    expect(['fullName', 'sex', 'relation'].filter(answered)).toEqual(['fullName', 'sex', 'relation'])
    expect(['personalId', 'birthDate', 'ethnicity', 'employment', 'healthInsurance'].filter(answered)).toEqual([])
  })

  it('PC-S2 a fully surveyed record keeps its place and people, and nothing of the survey', () => {
    const old = HouseholdDoc.create(exampleInit('poor', 'old-poor', 'vp'))
    const doc = new HouseholdDoc(new Y.Doc())
    Y.applyUpdate(doc.ydoc, carriedState(old, TARGET))
    const before = old.read()
    const after = doc.read()
    expect(after.household.members.map((m) => [m.id, m.fullName, m.personalId])).toEqual(
      before.household.members.map((m) => [m.id, m.fullName, m.personalId]),
    )
    expect(after.household.income).toEqual({})
    expect(after.household.location).toBeNull()
    expect(after.household.photos).toEqual([])
    expect(after.workflow.history).toEqual([])
    expect(doc.answered(pathOf(Root.DWELLING, 'water'))).toBe(false)
    expect(doc.answered(pathOf(Root.ATTRIBUTES, 'ethnicMinority'))).toBe(false)
  })
})
