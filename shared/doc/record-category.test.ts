// The record's category honours the quick screen (Phiếu A) and otherwise is the rule engine's; old CMND ids are storable.
import { describe, expect, it } from 'vitest'
import { makeHousehold } from '../test-support/household-fixtures.ts'
import { classify } from '../rules/classify.ts'
import { HouseholdDoc } from './household-doc.ts'
import { recordCategory } from './record-category.ts'

describe('recordCategory', () => {
  it('QS1: a quick screen ending with "not poor" decides the record, whatever the detailed answers say', () => {
    const poor = makeHousehold({ income: { perCapitaMonthly: 900_000 } }, 11)
    const doc = HouseholdDoc.create(poor)
    const before = recordCategory(doc.read())
    expect(before.category).toBe(classify(poor).category)
    expect(before.endedAtQuickScreen).toBe(false)
    expect(doc.setQuickScreen('not_poor', 'Nhà kiên cố, có ô tô').ok).toBe(true)
    const after = recordCategory(doc.read())
    expect(after.category).toBe('not_poor')
    expect(after.deprivationCount).toBe(0)
    expect(after.endedAtQuickScreen).toBe(true)
  })

  it('a record that cannot be classified is incomplete with the reason code, never a guess', () => {
    const h = makeHousehold({ period: '1999' })
    const rc = recordCategory({ household: h, screen: { result: null, reason: null } })
    expect(rc.category).toBe('incomplete')
    expect(rc.classification).toBeNull()
    expect(rc.classificationError).toBe('rules/no-standard-for-period')
  })

  it('stores an old 9-digit CMND number as well as a 12-digit CCCD (DOMAIN.md §5)', () => {
    const doc = HouseholdDoc.create(makeHousehold())
    const id = doc.read().household.members[0]!.id
    expect(doc.updateMember(id, { personalId: '191234567' }).ok).toBe(true)
    expect(doc.read().household.members.find((m) => m.id === id)?.personalId).toBe('191234567')
    expect(doc.updateMember(id, { personalId: '12345' }).ok).toBe(false)
  })
})
