// Writing one Phiếu B1 answer: the answer goes to the b1Answers root, and income.b1Score becomes the loaded point
// table's total once every item is answered (none while some are not), so an export always carries the computed score.
import type * as Y from 'yjs'
import { itemPoints, scoreB1, type B1Table } from '../rules/b1-table.ts'
import { incomeValues, invalid, planFields, type EditError, type Write } from './edits.ts'
import { b1AnswerFits, CODE_KEY, INCOME_KEYS, Root } from './keys.ts'
import { pathOf } from './paths.ts'
import { readSnapshot } from './snapshot.ts'

export function b1AnswerWrites(
  ydoc: Y.Doc,
  table: B1Table,
  itemId: string,
  value: string | number | null,
): Write[] | EditError {
  const item = table.items.find((i) => i.id === itemId)
  const path = pathOf(Root.B1_ANSWERS, itemId)
  if (!item || !CODE_KEY.test(itemId)) return invalid(path, value)
  if (value !== null && (!b1AnswerFits(value) || itemPoints(item, value) === null)) return invalid(path, value)
  const answers = ydoc.getMap<unknown>(Root.B1_ANSWERS)
  const current = readSnapshot(ydoc)
  const next = { ...current.b1Answers }
  if (value === null) delete next[itemId]
  else next[itemId] = value
  const { score } = scoreB1(table, next)
  const income = ydoc.getMap<unknown>(Root.INCOME)
  const { b1Score: _previous, ...rest } = current.household.income
  const values: Record<string, unknown> = {
    kind: null,
    perCapitaMonthly: null,
    b1Score: null,
    ...Object.fromEntries(incomeValues(score === null ? rest : { ...rest, b1Score: score })),
  }
  for (const k of Object.keys(values)) if (values[k] === null && !income.has(k)) delete values[k]
  const writes = planFields(income, Root.INCOME, INCOME_KEYS, values)
  if (value !== null || answers.has(itemId)) writes.push([answers, itemId, value])
  return writes
}
