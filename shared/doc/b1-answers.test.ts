// Phiếu B1 answers in the household document: answerB1 keeps the answer and the table's computed income.b1Score in
// one transaction, refuses a value the table does not know (nothing changes), keeps rasoat.household/1 exports valid,
// and answers merged from two devices are scored together by recordCategory. The server's layout check takes them.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { validateHousehold } from '../household/validate.ts'
import { testB1Table } from '../test-support/b1-tables.ts'
import { makeHousehold } from '../test-support/household-fixtures.ts'
import { applyAndResolveWinners, HouseholdDoc, inspectUpdate, SERVER_CLIENT_ID } from './index.ts'
import { recordCategory } from './record-category.ts'

const table = testB1Table()
const RURAL = '20056'

function answerAll(d: HouseholdDoc, floor = 'cement') {
  for (const [id, v] of [
    ['household_size', 4],
    ['floor', floor],
    ['cooking_fuel', 'wood'],
    ['motorbikes', 2],
  ] as const)
    expect(d.answerB1(table, id, v)).toEqual({ ok: true })
}

describe('answerB1', () => {
  it('keeps each answer; income.b1Score appears once every item is answered and goes when one is cleared', () => {
    const d = HouseholdDoc.create(makeHousehold({ unit: RURAL, income: { b1Score: 300 } }))
    expect(d.answerB1(table, 'household_size', 4)).toEqual({ ok: true })
    // a partial total is never a score: the typed 300 is gone, nothing replaces it yet
    expect(d.read().household.income).toEqual({})
    answerAll(d)
    expect(d.read().b1Answers).toEqual({ household_size: 4, floor: 'cement', cooking_fuel: 'wood', motorbikes: 2 })
    expect(d.read().household.income).toEqual({ b1Score: 115 })
    expect(d.answered('b1Answers.floor')).toBe(true)
    expect(d.answerB1(table, 'floor', null)).toEqual({ ok: true })
    expect(d.read().household.income).toEqual({})
    expect(d.read().b1Answers.floor).toBeUndefined()
  })

  it('keeps a per-capita income beside the computed score', () => {
    const d = HouseholdDoc.create(makeHousehold({ unit: RURAL, income: { perCapitaMonthly: 1_400_000 } }))
    answerAll(d)
    expect(d.read().household.income).toEqual({ perCapitaMonthly: 1_400_000, b1Score: 115 })
  })

  it.each([
    ['unknown item', 'roof', 'tiles'],
    ['unknown option', 'floor', 'marble'],
    ['number for a choice', 'floor', 3],
    ['negative number', 'motorbikes', -1],
    ['text for a number', 'motorbikes', 'two'],
    ['item id that is not a key', 'a.b', 1],
  ] as const)('refuses %s with household/invalid-value, nothing written', (_n, id, value) => {
    const d = HouseholdDoc.create(makeHousehold({ unit: RURAL }))
    const before = Y.encodeStateVector(d.ydoc)
    const r = d.answerB1(table, id, value)
    expect(r).toMatchObject({ ok: false, code: 'household/invalid-value', path: `b1Answers.${id}` })
    expect(Y.encodeStateVector(d.ydoc)).toEqual(before)
  })

  it('the export stays a valid rasoat.household/1 record carrying the computed score, not the answers', () => {
    const d = HouseholdDoc.create(makeHousehold({ unit: RURAL, income: {} }))
    answerAll(d)
    const r = validateHousehold(JSON.parse(JSON.stringify(d.read().household)))
    expect(r.ok).toBe(true)
    if (r.ok) expect(r.household.income).toEqual({ b1Score: 115 })
  })

  it('answers from two devices merge and are scored together (the stored total of either device is not trusted)', () => {
    const base = HouseholdDoc.create(makeHousehold({ unit: RURAL, income: {} }), { clientId: SERVER_CLIENT_ID })
    const device = (id: number) => HouseholdDoc.load(Y.encodeStateAsUpdate(base.ydoc), { clientId: id })
    const a = device(200)
    const b = device(100)
    a.answerB1(table, 'household_size', 4)
    a.answerB1(table, 'floor', 'tiles')
    b.answerB1(table, 'cooking_fuel', 'gas_or_electric')
    b.answerB1(table, 'motorbikes', 1)
    Y.applyUpdate(a.ydoc, Y.encodeStateAsUpdate(b.ydoc))
    const rc = recordCategory(a.read(), { b1Tables: [table] })
    expect(rc.b1?.score).toBe(35 + 40 + 25 + 30)
    expect(rc.classification?.b1Cutoffs).toMatchObject({ source: 'table', table: { version: 'test-1' } })
    expect(rc.category).toBe('near_poor') // 130: above the poor cut-off 120, at or below the near-poor 140
  })

  it('recordCategory without a table compares the stored score with the provisional cut-off', () => {
    const d = HouseholdDoc.create(makeHousehold({ unit: RURAL, income: {} }))
    answerAll(d)
    const rc = recordCategory(d.read())
    expect(rc.b1Table).toBeNull()
    expect(rc.classification?.b1Cutoffs).toEqual({ source: 'provisional', atOrBelow: 140 })
    expect(rc.classification?.provisionalRules).toContain('IN2')
  })

  it('the server layout check accepts answers from a device and refuses values that are not answers', () => {
    const server = HouseholdDoc.create(makeHousehold({ unit: RURAL }), { clientId: SERVER_CLIENT_ID })
    const phone = HouseholdDoc.load(Y.encodeStateAsUpdate(server.ydoc), { clientId: 300 })
    const sv = Y.encodeStateVector(phone.ydoc)
    answerAll(phone)
    expect(inspectUpdate(server.ydoc, Y.encodeStateAsUpdate(phone.ydoc, sv)).ok).toBe(true)
    for (const bad of [true, { x: 1 }, -3, 'not ok!']) {
      const p = HouseholdDoc.load(Y.encodeStateAsUpdate(server.ydoc), { clientId: 301 })
      const before = Y.encodeStateVector(p.ydoc)
      p.ydoc.getMap('b1Answers').set('floor', bad)
      const r = inspectUpdate(server.ydoc, Y.encodeStateAsUpdate(p.ydoc, before))
      expect(r).toMatchObject({ ok: false, code: 'sync/layout-violation' })
    }
  })

  it('two devices answering one item differently at once: a conflict at b1Answers.<item> the admin can resolve', () => {
    const server = HouseholdDoc.create(makeHousehold({ unit: RURAL }), { clientId: SERVER_CLIENT_ID })
    const a = HouseholdDoc.load(Y.encodeStateAsUpdate(server.ydoc), { clientId: 200 })
    const b = HouseholdDoc.load(Y.encodeStateAsUpdate(server.ydoc), { clientId: 100 })
    const base = Y.encodeStateVector(server.ydoc)
    a.answerB1(table, 'floor', 'earth')
    b.answerB1(table, 'floor', 'tiles')
    for (const d of [a, b]) {
      const u = Y.encodeStateAsUpdate(d.ydoc, base)
      const r = inspectUpdate(server.ydoc, u)
      if (!r.ok) throw new Error(r.reason)
      applyAndResolveWinners(server.ydoc, u, r.conflicts)
      if (d === b) expect(r.conflicts.map((c) => c.path)).toContain('b1Answers.floor')
    }
    expect(server.resolveField('b1Answers.floor', 'cement')).toEqual({ ok: true })
    expect(server.read().b1Answers.floor).toBe('cement')
    expect(server.resolveField('b1Answers.floor', { x: 1 })).toMatchObject({
      ok: false,
      code: 'household/invalid-value',
    })
  })
})
