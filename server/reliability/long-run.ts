// The reliability suites' knobs: trial counts that fit `npm test` by default and longer runs under `npm run test:long`
// (RASOAT_LONG=1), a seed that is printed and can be replayed (RASOAT_SEED), and one summary line per suite.

import { seededRandom } from '../../shared/household/synthetic.ts'

/** True under `npm run test:long`. */
export const LONG = process.env.RASOAT_LONG === '1'

/** `short` trials in `npm test`, `long` under `npm run test:long`; RASOAT_TRIALS overrides both. */
export function trials(short: number, long: number): number {
  const forced = Number(process.env.RASOAT_TRIALS)
  return Number.isInteger(forced) && forced > 0 ? forced : LONG ? long : short
}

/**
 * The run's seed: RASOAT_SEED to replay a failure, otherwise a fresh one, printed as it is drawn: a run that ends the
 * process (a fatal error of V8) never reaches its `report` line, and must still be replayable.
 */
export function seed(): number {
  const given = Number(process.env.RASOAT_SEED)
  if (Number.isInteger(given)) return given
  const drawn = Math.floor(Math.random() * 2 ** 31)
  console.log(`RELIABILITY seed=${drawn} (RASOAT_SEED=${drawn} replays this run)`)
  return drawn
}

/** A deterministic generator for a seed (mulberry32): the same seed replays the same faults. */
export const random = seededRandom

/** One line per suite run, the figures RELIABILITY.md quotes: `RELIABILITY <suite> seed=… key=value …`. */
export function report(suite: string, seedValue: number, figures: Record<string, number | string>): void {
  const parts = Object.entries(figures).map(([k, v]) => `${k}=${v}`)
  console.log(`RELIABILITY ${suite} seed=${seedValue} ${parts.join(' ')}`)
}
