// The reliability knobs: a seed replays the same sequence, trial counts follow the environment.
import { afterEach, describe, expect, it } from 'vitest'
import { random, trials } from './long-run.ts'

describe('long-run knobs', () => {
  afterEach(() => {
    delete process.env.RASOAT_TRIALS
  })
  it('replays the same sequence for the same seed and another for another seed', () => {
    const a = random(42)
    const b = random(42)
    const c = random(43)
    const xs = [a(), a(), a()]
    expect([b(), b(), b()]).toEqual(xs)
    expect([c(), c(), c()]).not.toEqual(xs)
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true)
  })
  it('takes RASOAT_TRIALS over the short and long counts', () => {
    process.env.RASOAT_TRIALS = '7'
    expect(trials(3, 300)).toBe(7)
  })
})
