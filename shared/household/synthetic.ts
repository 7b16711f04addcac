// Deterministic synthetic values for demo data, benchmarks and tests: a seeded PRNG, UUIDs and personal IDs drawn
// from it, so one seed always yields the same households. Product code (the demo seed) depends on this, not on tests.
import type { Sex } from './types.ts'

/** Deterministic PRNG (mulberry32), so a seed always yields the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A version-4-shaped UUID drawn from `rand`. */
export function syntheticUuid(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16))
  hex[12] = '4'
  hex[16] = ((Math.floor(rand() * 4) + 8) as number).toString(16)
  const h = hex.join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** A 12-digit personal ID consistent with sex and birth year, registered in Huế (046). */
export function syntheticPersonalId(sex: Sex, birthDate: string, rand: () => number = seededRandom(7)): string {
  const year = Number(birthDate.slice(0, 4))
  const g = 2 * Math.floor((year - 1900) / 100) + (sex === 'female' ? 1 : 0)
  const serial = String(Math.floor(rand() * 1_000_000)).padStart(6, '0')
  return `046${g}${String(year % 100).padStart(2, '0')}${serial}`
}
