// The app's top-level state: which phase (login, unlock, ready), which screen, the signed-in user, sync status,
// and the guarded actions (logout and user switch are refused while anything is unsynced).

import type { SyncStatus } from '../sync/sync-client.ts'
import type { Device } from './device.ts'
import { wipeHouseholds } from './device.ts'
import type { LoginFailure, SessionStore, StoredSession } from './session.ts'
import { startSync, type SyncRuntime } from './sync-runtime.ts'
import { addFoundHousehold, PLACES_SETTING, type FoundInput, type FoundResult, type VillagePlaces } from './found-household.ts'

export type Phase = 'starting' | 'login' | 'unlock' | 'ready'
export type View = { name: 'list' } | { name: 'household'; id: string } | { name: 'diagnostics' }
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
}

const IDLE_STATUS: SyncStatus = { phase: 'idle', remaining: 0, total: 0, lastSyncAt: null, stopReason: null, lastError: null }

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
  /** A household form is on screen: app updates wait, and the form owns the input. */
  formOpen = $derived(this.view.name === 'household')
  readonly deps: AppDeps
  #runtime: SyncRuntime | null = null
  #stopSignedIn: (() => void) | null = null

  constructor(deps: AppDeps) {
    this.deps = deps
    deps.device.onWriteError = (e) => {
      const quota = e instanceof DOMException && e.name === 'QuotaExceededError'
      this.notice = { key: quota ? 'storage.full' : 'storage.writeFailed', tone: 'error' }
    }
  }

  get user() {
    return this.session?.user ?? null
  }

  async start(): Promise<void> {
    const session = await this.deps.sessions.load()
    this.session = session ?? null
    this.phase = session ? 'unlock' : 'login'
    this.persisted = (await navigator.storage?.persisted?.()) ?? null
    const last = await this.deps.device.summary.getSetting<number>('lastSyncAt')
    if (last) this.sync = { ...this.sync, lastSyncAt: last }
    this.villageNames = (await this.deps.device.summary.getSetting<Record<string, string>>('villageNames')) ?? {}
    this.places = (await this.deps.device.summary.getSetting<VillagePlaces>(PLACES_SETTING)) ?? null
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
      this.places = { period: body.period, villages: body.villages.map((v) => ({ id: v.id, unitCode: v.unitCode, name: v.name })) }
      await this.deps.device.summary.setSetting(PLACES_SETTING, $state.snapshot(this.places))
    } catch {
      // offline: keep what we have
    }
  }

  async login(username: string, password: string): Promise<LoginFailure | null> {
    this.busy = true
    this.notice = null
    try {
      const unsynced = await this.unsyncedTotal()
      const r = await this.deps.sessions.login(username.trim(), password, this.deps.device.deviceId, unsynced)
      if (!r.ok) return r.code
      if (r.userChanged) await wipeHouseholds(this.deps.device, this.deps.idb)
      this.session = r.session
      await this.#enter(r.session)
      return null
    } finally {
      this.busy = false
    }
  }

  async unlock(password: string): Promise<boolean> {
    const session = this.session
    if (!session) return false
    this.busy = true
    try {
      if (!(await this.deps.sessions.unlock(session, password))) return false
      await this.#enter(session)
      return true
    } finally {
      this.busy = false
    }
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
    const runtime = startSync(this.deps.device, session.token, this.deps.appVersion)
    this.#runtime = runtime
    this.sync = { ...runtime.client.status, lastSyncAt: this.sync.lastSyncAt }
    runtime.onStatus((s) => {
      const lastSyncAt = s.lastSyncAt ?? this.sync.lastSyncAt
      if (s.lastSyncAt && s.lastSyncAt !== this.sync.lastSyncAt) void this.deps.device.summary.setSetting('lastSyncAt', s.lastSyncAt)
      this.sync = { ...s, lastSyncAt }
    })
    this.#stopSignedIn = this.deps.onSignedIn?.(session) ?? null
    void this.#loadVillageNames(session.token)
    // Ask for persistent storage once signed in (auto-granted to installed PWAs in Chrome).
    try {
      this.persisted = (await navigator.storage?.persist?.()) ?? null
    } catch {
      this.persisted = false
    }
  }

  #leave(): void {
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
      this.notice = { key: 'logout.refused', params: { edits: u.edits, households: u.households, photos: u.photos }, tone: 'error' }
      return false
    }
    this.#leave()
    await this.deps.sessions.logout(session)
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
