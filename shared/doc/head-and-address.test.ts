// HouseholdDoc intents for correcting the head's name and the address, and the text limits the form shows:
// one transaction with a typed origin, unchanged values skipped, too-long text refused with nothing written.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { makeHousehold, makeMember } from '../test-support/household-fixtures.ts'
import { HouseholdDoc, type EditOrigin } from './index.ts'
import { TEXT_LIMITS } from './text-limits.ts'

function withHead(): HouseholdDoc {
  const h = makeHousehold(
    {
      address: 'Tổ 3, Thôn Lại Thế',
      members: [
        makeMember({ id: 'm-head', relation: 'head', fullName: 'Nguyễn Văn Tèo' }),
        makeMember({ id: 'm-2', relation: 'spouse', fullName: 'Lê Thị Hoa' }),
      ],
    },
    7,
  )
  return HouseholdDoc.create(h)
}

function seen(doc: HouseholdDoc): EditOrigin[] {
  const out: EditOrigin[] = []
  doc.onChange((o) => out.push(o))
  return out
}

describe('setHeadName / setAddress', () => {
  it("corrects the head's name and the address, each in one local transaction named by its intent", () => {
    const doc = withHead()
    const origins = seen(doc)
    expect(doc.setHeadName('Nguyễn Văn Tèo Em')).toEqual({ ok: true })
    expect(doc.setAddress('Tổ 4, Thôn Lại Thế')).toEqual({ ok: true })
    const h = doc.read().household
    expect(h.members.find((m) => m.id === 'm-head')?.fullName).toBe('Nguyễn Văn Tèo Em')
    expect(h.members.find((m) => m.id === 'm-2')?.fullName).toBe('Lê Thị Hoa')
    expect(h.address).toBe('Tổ 4, Thôn Lại Thế')
    expect(origins).toEqual([
      { kind: 'local', intent: 'setHeadName' },
      { kind: 'local', intent: 'setAddress' },
    ])
  })

  it('an unchanged value writes nothing', () => {
    const doc = withHead()
    const before = Y.encodeStateVector(doc.ydoc)
    expect(doc.setHeadName('Nguyễn Văn Tèo')).toEqual({ ok: true })
    expect(doc.setAddress('Tổ 3, Thôn Lại Thế')).toEqual({ ok: true })
    expect(Y.encodeStateVector(doc.ydoc)).toEqual(before)
  })

  it('text longer than the layout allows is refused with household/invalid-value and nothing changes', () => {
    const doc = withHead()
    const before = Y.encodeStateVector(doc.ydoc)
    expect(doc.setHeadName('x'.repeat(TEXT_LIMITS.fullName + 1))).toMatchObject({
      ok: false,
      code: 'household/invalid-value',
    })
    expect(doc.setAddress('x'.repeat(TEXT_LIMITS.address + 1))).toMatchObject({
      ok: false,
      code: 'household/invalid-value',
      path: 'address',
    })
    expect(Y.encodeStateVector(doc.ydoc)).toEqual(before)
    expect(doc.setHeadName('x'.repeat(TEXT_LIMITS.fullName)).ok).toBe(true)
    expect(doc.setAddress('x'.repeat(TEXT_LIMITS.address)).ok).toBe(true)
  })

  it('a household without a live head refuses setHeadName with household/member-not-found', () => {
    const doc = withHead()
    doc.removeMember('m-head')
    expect(doc.setHeadName('Ai đó')).toMatchObject({ ok: false, code: 'household/member-not-found' })
  })

  it('the limits are those of the layout: address 500, names 200, ethnicity 100, quick-screen reason 1000', () => {
    expect(TEXT_LIMITS).toEqual({ address: 500, fullName: 200, ethnicity: 100, screenReason: 1000, comment: 2000 })
  })
})
