// Phiếu B1 point tables as data (DOMAIN.md §3): the questionnaire items of one standard and area type, the points each
// answer is worth and the cut-offs the total is compared with. Pure and schema-free, so the phone bundle can score live.
import type { AreaType } from '../household/types.ts'
import type { Text } from './standard-types.ts'

export const B1_TABLE_FORMAT = 'rasoat.b1-table/1'

export interface B1Option {
  id: string
  label: Text
  points: number
}

/** Points for a number answer in [atLeast, below) (below absent: no upper end). */
export interface B1Band {
  atLeast: number
  below?: number
  points: number
}

export type B1Item =
  | { id: string; label: Text; kind: 'choice'; options: B1Option[] }
  /** Exactly one of pointsPerUnit (answer × points, capped at maxUnits) or bands. */
  | {
      id: string
      label: Text
      kind: 'number'
      unit?: Text
      pointsPerUnit?: number
      maxUnits?: number
      bands?: B1Band[]
    }

export interface B1Cutoffs {
  /** Income counts as at or below the poor line when the total is at or below this. */
  poorAtOrBelow: number
  /** Income counts as at or below the near-poor line when the total is at or below this (≥ poorAtOrBelow). */
  nearPoorAtOrBelow: number
}

export interface B1Table {
  format: typeof B1_TABLE_FORMAT
  standard: string
  areaType: AreaType
  /** The administrator's name for this edition, e.g. "TT 07/2021, Bắc Trung Bộ, 2025". */
  version: string
  name: Text
  items: B1Item[]
  cutoffs: B1Cutoffs
}

/** What a result names: which table gave the cut-offs. */
export interface B1TableRef {
  standard: string
  areaType: AreaType
  version: string
  name: Text
}

/** Answers kept in the household document: item id → option id (choice) or a number ≥ 0 (number). */
export type B1Answers = Readonly<Record<string, string | number>>

export interface B1Score {
  /** The total, only when every item has a valid answer (a partial total is never a guess at the income). */
  score: number | null
  /** Points of the valid answers so far. */
  partial: number
  answered: number
  total: number
  /** Items without a valid answer, in table order. */
  missing: string[]
}

export const b1TableRef = (t: B1Table): B1TableRef => ({
  standard: t.standard,
  areaType: t.areaType,
  version: t.version,
  name: t.name,
})

/** Points of one answer, or null when the answer does not fit the item (unknown option, not a number ≥ 0). */
export function itemPoints(item: B1Item, answer: string | number | undefined): number | null {
  if (item.kind === 'choice') {
    if (typeof answer !== 'string') return null
    return item.options.find((o) => o.id === answer)?.points ?? null
  }
  if (typeof answer !== 'number' || !Number.isFinite(answer) || answer < 0) return null
  if (item.pointsPerUnit !== undefined) {
    const units = item.maxUnits === undefined ? answer : Math.min(answer, item.maxUnits)
    return units * item.pointsPerUnit
  }
  const band = (item.bands ?? []).find((b) => answer >= b.atLeast && (b.below === undefined || answer < b.below))
  return band?.points ?? 0
}

/** Rounded to 2 decimals so the phone and the server print and compare the same total. */
const round2 = (n: number) => Math.round(n * 100) / 100

export function scoreB1(table: B1Table, answers: B1Answers): B1Score {
  let partial = 0
  const missing: string[] = []
  for (const item of table.items) {
    const p = itemPoints(item, answers[item.id])
    if (p === null) missing.push(item.id)
    else partial += p
  }
  const total = table.items.length
  return {
    score: missing.length === 0 ? round2(partial) : null,
    partial: round2(partial),
    answered: total - missing.length,
    total,
    missing,
  }
}

/** The table in force for a standard and area type (the list holds at most one per pair: the active ones). */
export function findB1Table(
  tables: readonly B1Table[] | undefined,
  standard: string,
  areaType: AreaType,
): B1Table | undefined {
  return tables?.find((t) => t.standard === standard && t.areaType === areaType)
}
