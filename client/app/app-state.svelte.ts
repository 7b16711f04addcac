// The app's top-level state: which phase (login, unlock, ready), which screen, the signed-in user, sync status,
// and the guarded actions (logout and user switch are refused while anything is unsynced).

import { createSubscriber } from 'svelte/reactivity'
import type { SyncStatus } from '../sync/sync-client.ts'
import { AppLock, PinWriteError, type LockSettings, type PinResult } from './app-lock.ts'
import type { Device } from './device.ts'
import { wipeHouseholds } from './device.ts'
import { isQuotaError } from '../storage/idb.ts'
import type { LoginRefusal, SessionStore, StoredSession } from './session.ts'
import { DeviceReporter } from './device-report.ts'
import { startSync, type SyncRuntime } from './sync-runtime.ts'
import type { B1Table } from '../../shared/rules/b1-table.ts'
import { refreshB1Tables, storedB1Tables } from '../survey/b1-tables.ts'
import { refreshPeriodStandards, storedPeriodStandards, type PeriodStandardMap } from '../survey/period-standards.ts'
import {
  addFoundHousehold,
  PLACES_SETTING,
  type FoundInput,
  type FoundResult,
  type VillagePlaces,
} from './found-household.ts'

export type Phase = 'starting' | 'login' | 'unlock' | 'ready'
export type View =
  | { name: 'list' }
  | { name: 'household'; id: string }
  | { name: 'diagnostics' }
  | { name: 'lock-settings' }
  | { name: 'register-import' }
export interface Notice {
  key: string
  params?: Record<string, string | number>
  tone: 'info' | 'warning' | 'error'
}

export interface AppDeps {
  device: Device
  sessions: SessionStore
  idb: IDBFactory
  appVersion: string
  pendingPhotos: () => Promise<number>
  /** Started after login/unlock (photo uploader); returns stop. */
  onSignedIn?: (session: StoredSession) => () => void
  /** The clock of the inactivity lock (tests inject one). */
  now?: () => number
}

const IDLE_STATUS: SyncStatus = {
  phase: 'idle',
  remaining: 0,
  total: 0,
  refused: 0,
  lastSyncAt: null,
  stopReason: null,
  lastError: null,
}

export class AppState {
  phase = $state<Phase>('starting')
  session = $state<StoredSession | null>(null)
  view = $state<View>({ name: 'list' })
  notice = $state<Notice | null>(null)
  busy = $state(false)
  sync = $state<SyncStatus>(IDLE_STATUS)
  persisted = $state<boolean | null>(null)
  /** Village id → name for the user's scope (fetched online after sign-in, kept for offline). */
  villageNames = $state<Record<string, string>>({})
  /** The user's villages with unit and the current period, for adding a household found in the field. */
  places = $state<VillagePlaces | null>(null)
  /** Phiếu B1 point tables for the survey's income step (last ones fetched; offline keeps them). */
  b1Tables = $state<B1Table[]>([])
  /** The standard each review period names (last list fetched; offline keeps it): classification follows it. */
  periodStandards = $state<PeriodStandardMap>({})
  /** A household form is on screen: app updates wait, and the form owns the input. */
  formOpen = $derived(this.view.name === 'household')
  /** After an online login without a PIN set: offer to set one (dismissible). */
  offerPin = $state(false)
  readonly deps: AppDeps
  readonly lock: AppLock
  readonly #lockChanged: () => void
  #runtime: SyncRuntime | null = null
  #stopSignedIn: (() => void) | null = null
  #stopReporter: (() => void) | null = null

  constructor(deps: AppDeps) {
    this.deps = deps
    this.lock = new AppLock(deps.device.summary, deps.now ?? (() => Date.now()))
    this.#lockChanged = createSubscriber((update) => this.lock.subscribe(update))
    deps.device.onWriteError = (e) => {
      this.notice = { key: isQuotaError(e) ? 'storage.full' : 'storage.writeFailed', tone: 'error' }
    }
  }

  get user() {
    return this.session?.user ?? null
  }

  /** Supervisors, admins and observers review: read-only forms opened from the server, no area download, no writes. */
  get reviewer(): boolean {
    const role = this.user?.role
    return role !== undefined && role !== 'enumerator'
  }

  /** The app is locked over the open screens (their input stays as it was). */
  get locked(): boolean {
    this.#lockChanged()
    return this.lock.locked
  }

  /** Whether the PIN may open the app now (else the password). */
  get pinUsable(): boolean {
    this.#lockChanged()
    return this.lock.pinUsable
  }

  get lockSettings(): LockSettings {
    this.#lockChanged()
    return this.lock.settings
  }

  async start(): Promise<void> {
    await this.lock.load()
    const session = await this.deps.sessions.load()
    this.session = session ?? null
    this.phase = session ? 'unlock' : 'login'
    this.persisted = (await navigator.storage?.persisted?.()) ?? null
    const last = await this.deps.device.summary.getSetting<number>('lastSyncAt')
    if (last) this.sync = { ...this.sync, lastSyncAt: last }
    this.villageNames = (await this.deps.device.summary.getSetting<Record<string, string>>('villageNames')) ?? {}
    this.places = (await this.deps.device.summary.getSetting<VillagePlaces>(PLACES_SETTING)) ?? null
    this.b1Tables = await storedB1Tables(this.deps.device.summary)
    this.deps.device.households.b1Tables = () => this.b1Tables
    this.periodStandards = await storedPeriodStandards(this.deps.device.summary)
    this.deps.device.households.periodStandards = () => this.periodStandards
  }

  async #loadB1Tables(token: string): Promise<void> {
    const standards = await refreshPeriodStandards(token, this.deps.device.summary)
    if (standards && JSON.stringify(standards) !== JSON.stringify($state.snapshot(this.periodStandards))) {
      this.periodStandards = standards
      this.deps.device.households.refreshAll() // the list's categories follow the periods' standards
    }
    const tables = await refreshB1Tables(token, this.deps.device.summary)
    if (!tables || JSON.stringify(tables) === JSON.stringify($state.snapshot(this.b1Tables))) return
    this.b1Tables = tables
    this.deps.device.households.refreshAll() // the list's categories follow the new tables
  }

  /** Adds a household found in the field (works offline) and opens it. */
  async addFoundHousehold(input: FoundInput): Promise<FoundResult> {
    const r = await addFoundHousehold(this.deps.device, this.places, input)
    if (r.ok) {
      this.#runtime?.kick()
      this.openHousehold(r.id)
    }
    return r
  }

  /** Village names for display and search; best effort (offline keeps the stored copy). */
  async #loadVillageNames(token: string): Promise<void> {
    try {
      const res = await fetch('/api/villages', { headers: { authorization: `Bearer ${token}` } })
      if (!res.ok) return
      const body = (await res.json()) as { period: string; villages: { id: string; unitCode: string; name: string }[] }
      const names: Record<string, string> = {}
      for (const v of body.villages) names[v.id] = v.name
      this.villageNames = names
      await this.deps.device.summary.setSetting('villageNames', names)
      this.places = {
        period: body.period,
        villages: body.villages.map((v) => ({ id: v.id, unitCode: v.unitCode, name: v.name })),
      }
      await this.deps.device.summary.setSetting(PLACES_SETTING, $state.snapshot(this.places))
    } catch {
      // offline: keep what we have
    }
  }

  async login(username: string, password: string): Promise<LoginRefusal | null> {
    this.busy = true
    this.notice = null
    try {
      const unsynced = await this.unsyncedTotal()
      const r = await this.deps.sessions.login(username.trim(), password, this.deps.device.deviceId, unsynced)
      if (!r.ok) return r.retryAfterS === undefined ? { code: r.code } : { code: r.code, retryAfterS: r.retryAfterS }
      if (r.userChanged) {
        await wipeHouseholds(this.deps.device, this.deps.idb)
        await this.lock.forgetPin()
      }
      await this.lock.passwordEntered()
      this.session = r.session
      this.offerPin = !this.lock.hasPin
      await this.#enter(r.session)
      return null
    } finally {
      this.busy = false
    }
  }

  /** Opens the stored session at start, or the inactivity lock, with the password of the last online login. */
  async unlock(password: string): Promise<boolean> {
    const session = this.session
    if (!session) return false
    this.busy = true
    try {
      if (!(await this.deps.sessions.unlock(session, password))) return false
      // With the phone's storage full the lock's bookkeeping cannot be written: the user is told and still gets in
      // (to sync, or to see what was saved), the lock state held in memory.
      let failedWrite: unknown = null
      await this.lock.passwordEntered().catch((e: unknown) => (failedWrite = e))
      if (this.phase !== 'ready') await this.#enter(session)
      if (failedWrite !== null) this.deps.device.onWriteError(failedWrite)
      return true
    } finally {
      this.busy = false
    }
  }

  /** Opens the stored session at start, or the inactivity lock, with the PIN (same working day, few wrong tries). */
  async unlockWithPin(pin: string): Promise<PinResult> {
    const session = this.session
    if (!session) return 'password-required'
    this.busy = true
    try {
      // A write the lock could not make (storage full) is reported; a correct PIN still opens the app, a wrong one
      // then asks for the password.
      let failedWrite: unknown = null
      const r = await this.lock.tryPin(pin).catch((e: unknown): PinResult => {
        if (!(e instanceof PinWriteError)) throw e
        failedWrite = e.cause
        return e.result
      })
      if (r === 'ok' && this.phase !== 'ready') await this.#enter(session)
      if (failedWrite !== null) this.deps.device.onWriteError(failedWrite)
      return r
    } finally {
      this.busy = false
    }
  }

  /** Locks now: typed text still in a focused field is confirmed and pending edits are written first. */
  async lockNow(): Promise<void> {
    if (this.phase !== 'ready' || this.lock.locked) return
    if (typeof document !== 'undefined' && document.activeElement instanceof HTMLElement) document.activeElement.blur()
    // A failed write is reported by onWriteError and retried from memory: the lock engages either way.
    await this.deps.device.households.flush().catch(() => undefined)
    this.lock.lock()
  }

  /** A tap or key press, or the app going to the background (idle time counts from then). */
  activity(): void {
    this.lock.activity()
  }

  /** On a timer and when the app comes back to the foreground: lock when idle for the configured minutes. */
  checkIdle(): void {
    if (this.phase === 'ready' && this.lock.due()) void this.lockNow()
  }

  showLockSettings(): void {
    this.offerPin = false
    this.view = { name: 'lock-settings' }
  }

  dismissPinOffer(): void {
    this.offerPin = false
  }

  /** The session expired on the server: sign in again online; the device keeps all data for the same user. */
  signInAgain(): void {
    this.#leave()
    this.phase = 'login'
  }

  async #enter(session: StoredSession): Promise<void> {
    this.phase = 'ready'
    this.notice = null
    this.view = { name: 'list' }
    this.#runtime?.stop()
    if (this.reviewer) {
      // Households kept from an earlier area download (an older version, or an enumerator who used the device before)
      // go once nothing of them is unsynced: a reviewer's browser holds no area.
      if (this.deps.device.index.all().length > 0 && (await this.unsyncedTotal()) === 0)
        await wipeHouseholds(this.deps.device, this.deps.idb)
      void this.#loadVillageNames(session.token)
      void this.#loadB1Tables(session.token)
      return
    }
    const runtime = startSync(this.deps.device, session.token, this.deps.appVersion)
    this.#runtime = runtime
    this.sync = { ...runtime.client.status, lastSyncAt: this.sync.lastSyncAt }
    const reporter = new DeviceReporter(session.token, async () => {
      const u = await this.unsyncedBreakdown()
      return {
        deviceId: this.deps.device.deviceId,
        appVersion: this.deps.appVersion,
        unsyncedEdits: u.edits,
        unsyncedPhotos: u.photos,
      }
    })
    this.#stopReporter = () => reporter.stop()
    runtime.onStatus((s) => {
      if (s.lastSyncAt && s.lastSyncAt !== this.sync.lastSyncAt) reporter.poke()
      const lastSyncAt = s.lastSyncAt ?? this.sync.lastSyncAt
      if (s.lastSyncAt && s.lastSyncAt !== this.sync.lastSyncAt) {
        void this.deps.device.summary.setSetting('lastSyncAt', s.lastSyncAt)
        void this.#loadB1Tables(session.token)
      }
      this.sync = { ...s, lastSyncAt }
    })
    this.#stopSignedIn = this.deps.onSignedIn?.(session) ?? null
    void this.#loadVillageNames(session.token)
    void this.#loadB1Tables(session.token)
    // Ask for persistent storage once signed in (auto-granted to installed PWAs in Chrome).
    try {
      this.persisted = (await navigator.storage?.persist?.()) ?? null
    } catch {
      this.persisted = false
    }
  }

  #leave(): void {
    this.#stopReporter?.()
    this.#stopReporter = null
    this.#runtime?.stop()
    this.#runtime = null
    this.#stopSignedIn?.()
    this.#stopSignedIn = null
    this.sync = { ...IDLE_STATUS, lastSyncAt: this.sync.lastSyncAt }
  }

  /** Edits not yet acknowledged by the server, edits still being written, and photos not uploaded. */
  async unsyncedTotal(): Promise<number> {
    const { index, households } = this.deps.device
    let photos = 0
    try {
      photos = await this.deps.pendingPhotos()
    } catch {
      photos = 0
    }
    return index.unsyncedCount() + households.unflushed + photos
  }

  async unsyncedBreakdown(): Promise<{ edits: number; households: number; photos: number }> {
    const { index, households } = this.deps.device
    await households.flush()
    let photos = 0
    try {
      photos = await this.deps.pendingPhotos()
    } catch {
      photos = 0
    }
    // Edits whose outbox write failed are kept in memory and retried: they are unsynced too.
    const unwritten = households.unwritten()
    let dirty = index.dirtyHouseholds()
    for (const id of unwritten.keys()) if (!index.get(id)?.dirty) dirty++
    return { edits: index.unsyncedCount() + households.unflushed, households: dirty, photos }
  }

  /** Logout (and user switch, which is logout then login) is refused while anything is unsynced. */
  async logout(): Promise<boolean> {
    const session = this.session
    if (!session) return true
    if (this.formOpen) await this.closeHousehold()
    const u = await this.unsyncedBreakdown()
    if (u.edits + u.photos > 0) {
      this.notice = {
        key: 'logout.refused',
        params: { edits: u.edits, households: u.households, photos: u.photos },
        tone: 'error',
      }
      return false
    }
    this.#leave()
    await this.deps.sessions.logout(session)
    this.lock.locked = false
    this.offerPin = false
    this.session = null
    this.notice = null
    this.phase = 'login'
    return true
  }

  /** A history entry exists for the open household, so Android's back button closes the form, not the app. */
  #historyPushed = false

  openHousehold(id: string): void {
    this.view = { name: 'household', id }
    if (typeof history !== 'undefined') {
      history.pushState({ household: id }, '')
      this.#historyPushed = true
    }
  }

  /** Close the form (its document writes pending edits on unmount); also pops the history entry it pushed. */
  async closeHousehold(): Promise<void> {
    if (this.view.name === 'household') this.view = { name: 'list' }
    if (this.#historyPushed) {
      this.#historyPushed = false
      history.back()
    }
  }

  /** The back button was pressed (popstate): the entry is gone already. */
  onHistoryBack(): void {
    this.#historyPushed = false
    void this.closeHousehold()
  }

  showDiagnostics(): void {
    this.view = { name: 'diagnostics' }
  }

  /** Admins only: the population-register import screen. */
  showRegisterImport(): void {
    if (this.user?.role === 'admin') this.view = { name: 'register-import' }
  }

  showList(): void {
    this.view = { name: 'list' }
  }

  dismissNotice(): void {
    this.notice = null
  }

  /** Sync now (status bar button). */
  syncNow(): void {
    this.#runtime?.kick()
  }

  async refreshPersisted(): Promise<void> {
    this.persisted = (await navigator.storage?.persisted?.()) ?? null
  }
}
