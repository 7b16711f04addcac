// Per-username login throttling: locks after N failures in the window, unlocks when it passes or on success.

import { describe, expect, it } from 'vitest'
import { createLoginLimiter } from './login-limiter.ts'

describe('login limiter', () => {
  it('locks a username after maxFailures and leaves other usernames alone', () => {
    let t = 0
    const l = createLoginLimiter({ maxFailures: 3, windowMs: 1000, now: () => t })
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfter('lan')).toBe(0)
      l.fail('lan')
    }
    expect(l.retryAfter('lan')).toBe(1000)
    expect(l.retryAfter('minh')).toBe(0)
    t = 400
    expect(l.retryAfter('lan')).toBe(600)
    t = 1000
    expect(l.retryAfter('lan')).toBe(0)
  })

  it('a success clears the failures', () => {
    const l = createLoginLimiter({ maxFailures: 2 })
    l.fail('lan')
    l.succeed('lan')
    l.fail('lan')
    expect(l.retryAfter('lan')).toBe(0)
  })
})
