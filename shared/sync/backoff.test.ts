// Reconnect delays: full jitter between 0 and an exponentially growing ceiling, capped at 60 s.
import { describe, expect, it } from 'vitest'
import { Backoff } from './backoff.ts'

describe('full-jitter backoff', () => {
  it('grows the ceiling 1 s, 2 s, 4 s … and caps it at 60 s', () => {
    const b = new Backoff({ random: () => 0.999999 })
    const delays = Array.from({ length: 9 }, () => b.next())
    expect(delays.map((d) => Math.round(d / 1000))).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60])
  })
  it('draws from [0, ceiling) and resets after a good connection', () => {
    const b = new Backoff({ random: () => 0 })
    expect(b.next()).toBe(0)
    b.next()
    b.reset()
    expect(b.attempt).toBe(0)
  })
})
