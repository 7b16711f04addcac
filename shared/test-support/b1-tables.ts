// A small Phiếu B1 point table for tests (rule, document, server and screen tests share it): two choice items and two
// number items (bands; points per unit with a cap), cut-offs 120 poor / 140 near-poor.
import type { AreaType } from '../household/types.ts'
import { B1_TABLE_FORMAT, type B1Table } from '../rules/b1-table.ts'

export function testB1Table(overrides: Partial<B1Table> = {}, areaType: AreaType = 'rural'): B1Table {
  return {
    format: B1_TABLE_FORMAT,
    standard: 'ND07_2022_2025',
    areaType,
    version: 'test-1',
    name: { vi: 'Bảng điểm thử', en: 'Test table' },
    items: [
      {
        id: 'household_size',
        label: { vi: 'Số nhân khẩu', en: 'Household members' },
        kind: 'number',
        bands: [
          { atLeast: 0, below: 3, points: 50 },
          { atLeast: 3, below: 5, points: 35 },
          { atLeast: 5, points: 20 },
        ],
      },
      {
        id: 'floor',
        label: { vi: 'Nền nhà', en: 'Floor' },
        kind: 'choice',
        options: [
          { id: 'earth', label: { vi: 'Đất', en: 'Earth' }, points: 0 },
          { id: 'cement', label: { vi: 'Xi măng', en: 'Cement' }, points: 20 },
          { id: 'tiles', label: { vi: 'Gạch men', en: 'Tiles' }, points: 40 },
        ],
      },
      {
        id: 'cooking_fuel',
        label: { vi: 'Chất đốt', en: 'Cooking fuel' },
        kind: 'choice',
        options: [
          { id: 'wood', label: { vi: 'Củi', en: 'Wood' }, points: 0 },
          { id: 'gas_or_electric', label: { vi: 'Ga, điện', en: 'Gas or electricity' }, points: 25 },
        ],
      },
      {
        id: 'motorbikes',
        label: { vi: 'Số xe máy', en: 'Motorbikes' },
        kind: 'number',
        pointsPerUnit: 30,
        maxUnits: 3,
      },
    ],
    cutoffs: { poorAtOrBelow: 120, nearPoorAtOrBelow: 140 },
    ...overrides,
  }
}
