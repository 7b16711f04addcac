// Sign-in limits with an injected clock: attempts count before the check, delays grow and are capped, addresses and
// the server have their own budgets, a success gives its reservations back, an admin unlock lifts the delay.

import { describe, expect, it } from 'vitest'
import { createLoginLimiter, type LoginAdmission, type LoginAttempt } from './login-limiter.ts'

function admitted(a: LoginAdmission): LoginAttempt {
  if (!a.ok) throw new Error(`refused (${a.scope}, ${a.retryAfterMs} ms)`)
  return a.attempt
}

describe('login limiter', () => {
  it('counts attempts before their outcome: parallel attempts beyond the free failures are refused at once', () => {
    const l = createLoginLimiter({ now: () => 0 })
    const running = Array.from({ length: 5 }, () => admitted(l.begin('lan', '10.0.0.1')))
    const sixth = l.begin('lan', '10.0.0.1')
    expect(sixth).toMatchObject({ ok: false, scope: 'account' })
    for (const a of running) a.failed()
    expect(l.begin('lan', '10.0.0.1')).toEqual({ ok: false, scope: 'account', retryAfterMs: 30_000 })
  })

  it('delays grow after the free failures (30 s, 1 min, 2 min …) up to 15 min, one attempt at a time', () => {
    let t = 0
    const l = createLoginLimiter({ now: () => t })
    for (let i = 0; i < 5; i++) admitted(l.begin('lan', 'a')).failed()
    const waits: number[] = []
    for (let i = 0; i < 7; i++) {
      const wait = l.accountDelay('lan')
      waits.push(wait)
      t += wait
      const attempt = admitted(l.begin('lan', 'a'))
      expect(l.begin('lan', 'a')).toMatchObject({ ok: false, scope: 'account' }) // the one in progress holds the turn
      attempt.failed()
    }
    expect(waits).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000])
    expect(l.begin('minh', 'a').ok).toBe(true) // other accounts are not affected
  })

  it('a success clears the account and gives back the address and global reservations', () => {
    const l = createLoginLimiter({ now: () => 0, addressFailures: 3 })
    admitted(l.begin('lan', 'a')).failed()
    admitted(l.begin('lan', 'a')).succeeded()
    admitted(l.begin('lan', 'a')).succeeded()
    admitted(l.begin('lan', 'a')).succeeded()
    expect(l.accountDelay('lan')).toBe(0)
    admitted(l.begin('minh', 'a')).failed()
    admitted(l.begin('hoa', 'a')).failed()
    expect(l.begin('chi', 'a')).toMatchObject({ ok: false, scope: 'address' }) // 3 failures from address a
  })

  it('the per-address budget leaks back over its window and leaves other addresses alone', () => {
    let t = 0
    const l = createLoginLimiter({ now: () => t, addressFailures: 4, windowMs: 60_000 })
    for (const u of ['u1', 'u2', 'u3', 'u4']) admitted(l.begin(u, 'nat')).failed()
    expect(l.begin('u5', 'nat')).toEqual({ ok: false, scope: 'address', retryAfterMs: 15_000 })
    expect(l.begin('u5', 'other').ok).toBe(true)
    t = 15_000
    expect(l.begin('u5', 'nat').ok).toBe(true)
  })

  it('the global budget and the cap on checks in progress hold across accounts and addresses', () => {
    const l = createLoginLimiter({ now: () => 0, globalFailures: 3, maxConcurrent: 2 })
    const a = admitted(l.begin('u1', 'a1'))
    const b = admitted(l.begin('u2', 'a2'))
    expect(l.begin('u3', 'a3')).toEqual({ ok: false, scope: 'global', retryAfterMs: 1000 })
    a.failed()
    b.failed()
    admitted(l.begin('u3', 'a3')).failed()
    expect(l.begin('u4', 'a4')).toMatchObject({ ok: false, scope: 'global' })
  })

  it('an admin unlock lifts the delay; failures are forgotten a day after the last one', () => {
    let t = 0
    const l = createLoginLimiter({ now: () => t })
    for (let i = 0; i < 6; i++) {
      t += l.accountDelay('lan')
      admitted(l.begin('lan', 'a')).failed()
    }
    expect(l.accountDelay('lan')).toBe(60_000)
    expect(l.unlock('lan')).toBe(true)
    expect(l.accountDelay('lan')).toBe(0)
    expect(l.unlock('lan')).toBe(false)
    for (let i = 0; i < 5; i++) admitted(l.begin('minh', 'b')).failed()
    t += 24 * 60 * 60_000
    expect(l.accountDelay('minh')).toBe(0)
  })

  it('a known device has its own account budget; an unlock lifts the account and its devices', () => {
    const l = createLoginLimiter({ now: () => 0 })
    for (let i = 0; i < 5; i++) admitted(l.begin('lan', 'far away')).failed()
    for (let i = 0; i < 5; i++) admitted(l.begin('lan', 'near', 'phone-1')).failed() // not delayed by the five above
    expect(l.begin('lan', 'near', 'phone-1')).toMatchObject({ ok: false, scope: 'account' })
    expect(l.unlock('lan')).toBe(true)
    expect(l.begin('lan', 'near', 'phone-1').ok).toBe(true)
    expect(l.begin('lan', 'far away').ok).toBe(true)
  })

  it('reporting an outcome twice counts once', () => {
    const l = createLoginLimiter({ now: () => 0, freeFailures: 2 })
    const a = admitted(l.begin('lan', 'a'))
    a.failed()
    a.failed()
    expect(l.begin('lan', 'a').ok).toBe(true)
  })
})
