// The inactivity lock against the real settings store (SummaryDb over fake-indexeddb) with an injected clock:
// idle and background time, PIN format, the working day, wrong PINs falling back to the password, nothing in clear.
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { openSummaryDb, SummaryDb } from '../storage/summary-db.ts'
import { AppLock, LOCK_SETTING, PIN_ATTEMPTS, PinWriteError, type LockSettings } from './app-lock.ts'

let n = 0
async function setup(start = new Date(2026, 11, 4, 8, 0).getTime()) {
  const summary = new SummaryDb(await openSummaryDb(indexedDB, `lock-test-${n++}`))
  const clock = { t: start }
  const now = () => clock.t
  const lock = new AppLock(summary, now, 1000)
  await lock.load()
  return {
    summary,
    clock,
    lock,
    reopen: async () => {
      const again = new AppLock(summary, now, 1000)
      await again.load()
      return again
    },
  }
}
const minutes = (m: number) => m * 60_000

describe('AppLock', () => {
  it('locks after the configured idle minutes (default 15), not before; activity restarts the count', async () => {
    const { clock, lock } = await setup()
    await lock.passwordEntered()
    clock.t += minutes(14)
    expect(lock.due()).toBe(false)
    lock.activity()
    clock.t += minutes(14)
    expect(lock.due()).toBe(false)
    clock.t += minutes(1)
    expect(lock.due()).toBe(true)
    expect(await lock.setMinutes(5)).toBeNull()
    lock.activity()
    clock.t += minutes(5)
    expect(lock.due()).toBe(true)
  })

  it('refuses minutes out of range and a PIN that is not 4–6 digits or not repeated the same, changing nothing', async () => {
    const { lock, summary } = await setup()
    expect(await lock.setMinutes(0)).toBe('lock/minutes')
    expect(await lock.setMinutes(241)).toBe('lock/minutes')
    expect(await lock.setMinutes(2.5)).toBe('lock/minutes')
    expect(await lock.setPin('123', '123')).toBe('pin/format')
    expect(await lock.setPin('1234567', '1234567')).toBe('pin/format')
    expect(await lock.setPin('12a4', '12a4')).toBe('pin/format')
    expect(await lock.setPin('1234', '1235')).toBe('pin/mismatch')
    expect(lock.hasPin).toBe(false)
    expect(await summary.getSetting(LOCK_SETTING)).toBeUndefined()
  })

  it('stores the PIN only as a PBKDF2 verifier, and the right PIN opens the lock the same day', async () => {
    const { lock, summary, clock, reopen } = await setup()
    await lock.passwordEntered()
    expect(await lock.setPin('482913', '482913')).toBeNull()
    const stored = (await summary.getSetting<LockSettings>(LOCK_SETTING))!
    expect(JSON.stringify(stored)).not.toContain('482913')
    expect(stored.pin?.algorithm).toBe('PBKDF2-SHA256')
    lock.lock()
    expect(await lock.tryPin('482913')).toBe('ok')
    expect(lock.locked).toBe(false)
    // re-opening the app later the same day: the PIN still opens it
    clock.t += minutes(9 * 60)
    const later = await reopen()
    expect(later.pinUsable).toBe(true)
    expect(await later.tryPin('482913')).toBe('ok')
  })

  it('the next day only the password opens the app; entering it starts a new working day for the PIN', async () => {
    const { lock, clock, reopen } = await setup(new Date(2026, 11, 4, 17, 30).getTime())
    await lock.passwordEntered()
    await lock.setPin('2468', '2468')
    clock.t = new Date(2026, 11, 5, 7, 45).getTime()
    const next = await reopen()
    expect(next.pinUsable).toBe(false)
    expect(await next.tryPin('2468')).toBe('password-required')
    await next.passwordEntered()
    expect(next.pinUsable).toBe(true)
  })

  it(`${PIN_ATTEMPTS} wrong PINs fall back to the password, also after a reload; the right PIN is then refused too`, async () => {
    const { lock, reopen } = await setup()
    await lock.passwordEntered()
    await lock.setPin('1357', '1357')
    lock.lock()
    for (let i = 1; i < PIN_ATTEMPTS; i++) {
      expect(await lock.tryPin('0000')).toBe('wrong')
      expect(lock.pinTriesLeft).toBe(PIN_ATTEMPTS - i)
    }
    const reloaded = await reopen()
    expect(reloaded.pinTriesLeft).toBe(1)
    expect(await reloaded.tryPin('9999')).toBe('password-required')
    expect(await reloaded.tryPin('1357')).toBe('password-required')
    expect(reloaded.pinUsable).toBe(false)
    await reloaded.passwordEntered()
    expect(await reloaded.tryPin('1357')).toBe('ok')
  })

  it('another user signing in forgets the PIN', async () => {
    const { lock } = await setup()
    await lock.passwordEntered()
    await lock.setPin('1111', '1111')
    await lock.forgetPin()
    expect(lock.hasPin).toBe(false)
    expect(lock.pinUsable).toBe(false)
  })

  it('with storage full no PIN is checked (its try could not be counted): the password is asked for', async () => {
    const { lock, summary, reopen } = await setup()
    await lock.passwordEntered()
    await lock.setPin('1357', '1357')
    lock.lock()
    expect(await lock.tryPin('0000')).toBe('wrong')
    const setSetting = summary.setSetting.bind(summary)
    summary.setSetting = () => Promise.reject(new DOMException('full', 'QuotaExceededError'))
    const refused = await lock.tryPin('1357').catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(PinWriteError)
    expect((refused as PinWriteError).result).toBe('password-required')
    expect(lock.locked).toBe(true)
    expect(lock.pinUsable).toBe(false)
    expect(await lock.tryPin('1357')).toBe('password-required')
    // Reopening the app with storage still full grants no fresh tries: the stored count is what it was.
    expect((await reopen()).settings.failedPins).toBe(1)
    // The password opens it and, with space again, the PIN works again.
    summary.setSetting = setSetting
    await lock.passwordEntered()
    lock.lock()
    expect(await lock.tryPin('1357')).toBe('ok')
    expect((await reopen()).settings.failedPins).toBe(0)
  })
})
