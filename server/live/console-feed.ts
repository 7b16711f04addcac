// The console's read side in one place: the pin index, the live subscriptions, and what a commit or a device report
// changes for them. The household writer calls summaryCommitted() after its transaction; nothing here writes data.
import type { Db } from '../db/open.ts'
import {
  createConsoleStore,
  type ConsoleStore,
  type DeviceReport,
  type PinRow,
  type ProgressCounts,
} from '../store/console-store.ts'
import { createPinIndex, matchesFilters, publicPin, type Pin, type PinIndex } from './pin-index.ts'
import type { View } from './view.ts'

export interface VillageProgress {
  unit: string
  village: string
  name: string
  counts: ProgressCounts
}
export interface EnumeratorProgress {
  unit: string
  userId: string
  name: string
  villages: string[]
  counts: ProgressCounts
}
export interface DeviceStatus extends DeviceReport {
  name: string
  stale: boolean
}

/** One change for a console; `key` coalesces: a later delta with the same key replaces an unsent earlier one. */
export type LiveDelta =
  | { key: string; kind: 'pin'; pin: Pin }
  | { key: string; kind: 'removed'; id: string }
  | { key: string; kind: 'village'; progress: VillageProgress }
  | { key: string; kind: 'enumerator'; progress: EnumeratorProgress }
  | { key: string; kind: 'device'; device: DeviceStatus }

export interface LiveSubscriber {
  readonly view: View
  push(d: LiveDelta): void
}

export interface ConsoleFeed {
  readonly store: ConsoleStore
  readonly pins: PinIndex
  /** No contact for this long marks a device stale. */
  readonly staleAfterMs: number
  now(): number
  /** Resolves once the subscription's units are in memory. */
  subscribe(s: LiveSubscriber): Promise<void>
  unsubscribe(s: LiveSubscriber): void
  /** After a commit transaction: these households' summary rows were rewritten. Deltas go out on the next turn. */
  summaryCommitted(householdIds: readonly string[]): void
  deviceReported(r: DeviceReport): void
  /** Resolves once the deltas of everything committed so far were handed to the subscribers (tests, bench). */
  settled(): Promise<void>
}

export const DEFAULT_STALE_AFTER_MS = 6 * 60 * 60 * 1000

const samePin = (a: PinRow, b: PinRow) =>
  a.lat === b.lat &&
  a.lng === b.lng &&
  a.status === b.status &&
  a.category === b.category &&
  a.accuracyM === b.accuracyM &&
  a.editor === b.editor &&
  a.flags.join() === b.flags.join()

export function createConsoleFeed(
  db: Db,
  opts: { now?: () => number; staleAfterMs?: number; onError?: (e: unknown) => void } = {},
): ConsoleFeed {
  const now = opts.now ?? Date.now
  const onError = opts.onError ?? ((e: unknown) => console.error('[live]', e))
  const store = createConsoleStore(db)
  const pins = createPinIndex(store)
  const subscribers = new Set<LiveSubscriber>()
  const staleAfterMs = opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS
  let due = new Set<string>()
  let scheduled: Promise<void> | null = null

  const inView = (s: LiveSubscriber, period: string, unit: string) =>
    s.view.period === period && s.view.units.includes(unit)

  function deliver(ids: Set<string>): void {
    const villages = new Map<string, { period: string; unit: string; village: string }>()
    for (const id of ids) {
      const r = store.pin(id)
      if (!r) continue
      villages.set(`${r.period}\u0000${r.village}`, r)
      const old = pins.update(id, r.period, r.unit, r.pin)
      if (old !== undefined && old !== null && r.pin !== null && samePin(old, r.pin)) continue
      if (old === null && r.pin === null) continue
      for (const s of subscribers) {
        if (!inView(s, r.period, r.unit)) continue
        if (r.pin && matchesFilters(r.pin, s.view.filters))
          s.push({ key: `pin:${id}`, kind: 'pin', pin: publicPin(r.pin) })
        else if (old === undefined || (old !== null && matchesFilters(old, s.view.filters)))
          s.push({ key: `pin:${id}`, kind: 'removed', id })
      }
    }
    for (const { period, unit, village } of villages.values()) {
      const listening = [...subscribers].filter((s) => inView(s, period, unit))
      if (listening.length === 0) continue
      const v = store.villageProgress(period, unit, village)[0]
      const es = store.enumeratorProgress(period, unit, village)
      for (const s of listening) {
        if (v) s.push({ key: `village:${unit}:${village}`, kind: 'village', progress: { unit, ...v } })
        for (const e of es)
          s.push({ key: `enumerator:${unit}:${e.userId}`, kind: 'enumerator', progress: { unit, ...e } })
      }
    }
  }

  return {
    store,
    pins,
    staleAfterMs,
    now,
    async subscribe(s) {
      subscribers.add(s)
      // Loaded one unit per turn; until a unit is in memory its commits are pushed as they come (old pin unknown).
      await pins.prepare(s.view.period, s.view.units, {})
    },
    unsubscribe: (s) => void subscribers.delete(s),
    summaryCommitted(ids) {
      // Before any console looked at the map there is nothing to keep current: no read per commit on the write path.
      if (subscribers.size === 0 && pins.loadedUnits() === 0) return
      for (const id of ids) due.add(id)
      // After the commit's acknowledgements (they resolve in this turn's microtasks), before any later I/O.
      scheduled ??= new Promise<void>((done) =>
        setImmediate(() => {
          const batch = due
          due = new Set()
          scheduled = null
          try {
            deliver(batch)
          } catch (e) {
            onError(e)
          }
          done()
        }),
      )
    },
    deviceReported(r) {
      const listening = [...subscribers]
      if (listening.length === 0) return
      const units = store.unitsOfUser(r.userId)
      const name = store.displayName(r.userId) ?? r.userId
      const device: DeviceStatus = { ...r, name, stale: now() - r.lastContact > staleAfterMs }
      for (const s of listening) {
        if (s.view.units.some((u) => units.includes(u)))
          s.push({ key: `device:${r.userId}:${r.deviceId}`, kind: 'device', device })
      }
    },
    settled: () => scheduled ?? Promise.resolve(),
  }
}
