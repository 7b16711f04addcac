// The inactivity lock: after N idle minutes (or time in the background) the app locks; a 4–6 digit PIN set after an
// online login opens it, and re-opens the app within the working day of the last password entry. Too many wrong PINs
// fall back to the password. The PIN is kept only as a PBKDF2 verifier; the clock is injected (tests never sleep).

import { checkPassword, createVerifier, DEFAULT_ITERATIONS, type PasswordVerifier } from './password-verifier.ts'

export const DEFAULT_LOCK_MINUTES = 15
export const MIN_LOCK_MINUTES = 1
export const MAX_LOCK_MINUTES = 240
/** Wrong PINs in a row after which only the password opens the app (until it is entered). */
export const PIN_ATTEMPTS = 5
export const PIN_PATTERN = /^\d{4,6}$/

export type LockError = 'pin/format' | 'pin/mismatch' | 'lock/minutes'
export type PinResult = 'ok' | 'wrong' | 'password-required'

/** What is stored on the device (setting LOCK_SETTING); survives reloads, so reloading does not reset the count. */
export interface LockSettings {
  pin: PasswordVerifier | null
  minutes: number
  failedPins: number
  /** When the password was last entered (online login or offline unlock): starts the PIN's working day. */
  passwordAt: number | null
}

export const LOCK_SETTING = 'appLock'

export interface SettingsStore {
  getSetting<T>(key: string): Promise<T | undefined>
  setSetting(key: string, value: unknown): Promise<void>
}

/** Same local calendar day: the PIN works from the password entry until midnight. */
export function sameWorkingDay(a: number, b: number): boolean {
  const x = new Date(a)
  const y = new Date(b)
  return b >= a && x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate()
}

/** Plain state (no runes, so Node tests run it); screens observe it through subscribe (AppState bridges it). */
/** The PIN was checked but the lock's record of it could not be stored: `result` is the answer to act on. */
export class PinWriteError extends Error {
  constructor(
    readonly result: PinResult,
    cause: unknown,
  ) {
    super('the lock settings could not be stored', { cause })
  }
}

export class AppLock {
  #locked = false
  settings: LockSettings = { pin: null, minutes: DEFAULT_LOCK_MINUTES, failedPins: 0, passwordAt: null }
  #lastActive: number
  readonly #listeners = new Set<() => void>()

  constructor(
    private readonly store: SettingsStore,
    private readonly now: () => number = Date.now,
    private readonly iterations = DEFAULT_ITERATIONS,
  ) {
    this.#lastActive = now()
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  get locked(): boolean {
    return this.#locked
  }

  set locked(value: boolean) {
    if (value === this.#locked) return
    this.#locked = value
    this.#changed()
  }

  async load(): Promise<void> {
    const saved = await this.store.getSetting<LockSettings>(LOCK_SETTING)
    if (saved) {
      this.settings = { ...this.settings, ...saved }
      this.#changed()
    }
  }

  get hasPin(): boolean {
    return this.settings.pin !== null
  }

  /** Whether a PIN may open the app now (set, not too many wrong ones, same working day as the last password). */
  get pinUsable(): boolean {
    const { pin, failedPins, passwordAt } = this.settings
    return pin !== null && failedPins < PIN_ATTEMPTS && passwordAt !== null && sameWorkingDay(passwordAt, this.now())
  }

  get pinTriesLeft(): number {
    return Math.max(0, PIN_ATTEMPTS - this.settings.failedPins)
  }

  /** The password was entered (login or unlock): a new working day for the PIN, the wrong-PIN count cleared. */
  async passwordEntered(): Promise<void> {
    this.locked = false
    this.#lastActive = this.now()
    await this.#save({ ...this.settings, failedPins: 0, passwordAt: this.now() })
  }

  /** Another user signed in on this device: the previous user's PIN goes. */
  async forgetPin(): Promise<void> {
    await this.#save({ ...this.settings, pin: null, failedPins: 0 })
  }

  async setPin(pin: string, repeat: string): Promise<LockError | null> {
    if (!PIN_PATTERN.test(pin)) return 'pin/format'
    if (pin !== repeat) return 'pin/mismatch'
    await this.#save({ ...this.settings, pin: await createVerifier(pin, this.iterations), failedPins: 0 })
    return null
  }

  async setMinutes(minutes: number): Promise<LockError | null> {
    if (!Number.isInteger(minutes) || minutes < MIN_LOCK_MINUTES || minutes > MAX_LOCK_MINUTES) return 'lock/minutes'
    await this.#save({ ...this.settings, minutes })
    return null
  }

  /** A tap or key press (or the app going to the background: idle time counts from then). */
  activity(): void {
    if (!this.locked) this.#lastActive = this.now()
  }

  /** Locks when the app was idle or in the background for `minutes`; returns whether it is locked. */
  due(): boolean {
    return !this.locked && this.now() - this.#lastActive >= this.settings.minutes * 60_000
  }

  lock(): void {
    this.locked = true
  }

  /**
   * Checks a PIN; every try counts (stored) until one is right, and after PIN_ATTEMPTS only the password opens. The try
   * is stored before the PIN is checked: when storage is full no PIN is checked at all (the password still opens),
   * since a count that cannot be stored would let reopening the app grant fresh tries.
   */
  async tryPin(pin: string): Promise<PinResult> {
    const verifier = this.settings.pin
    if (!this.pinUsable || !verifier) return 'password-required'
    const counted = { ...this.settings, failedPins: this.settings.failedPins + 1 }
    try {
      await this.#save(counted)
    } catch (e) {
      this.settings = { ...counted, failedPins: PIN_ATTEMPTS }
      this.#changed()
      throw new PinWriteError('password-required', e)
    }
    if (PIN_PATTERN.test(pin) && (await checkPassword(pin, verifier))) {
      this.locked = false
      this.#lastActive = this.now()
      // Not stored (storage just filled up): one try fewer next time; the caller is told, the app is open.
      await this.#save({ ...this.settings, failedPins: 0 }).catch((e: unknown) => {
        throw new PinWriteError('ok', e)
      })
      return 'ok'
    }
    return this.pinUsable ? 'wrong' : 'password-required'
  }

  async #save(next: LockSettings): Promise<void> {
    this.settings = next
    this.#changed()
    await this.store.setSetting(LOCK_SETTING, next)
  }

  #changed(): void {
    for (const l of [...this.#listeners]) l()
  }
}
