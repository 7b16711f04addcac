// Wires the sync client to the browser: WebSocket URL with the session token, online/offline events (offline closes
// the socket so edits wait in the outbox; online reconnects at once), and local outbox writes. With several tabs open,
// one tab (holder of a Web Lock) runs the socket; the others hand it their outbox writes over a BroadcastChannel and
// reload summary rows the leader changed.

import { SyncClient, type SocketLike, type SyncStatus } from '../sync/sync-client.ts'
import type { Device } from './device.ts'

export interface SyncRuntime {
  client: SyncClient
  /** Status of the leader tab's sync, whichever tab runs it. */
  onStatus(listener: (s: SyncStatus) => void): void
  kick(): void
  stop(): void
}

type TabMessage =
  | { type: 'outbox'; id: string }
  | { type: 'rows'; ids: string[] }
  | { type: 'status'; status: SyncStatus }
  | { type: 'discard'; id: string }

const LOCK = 'rasoat-sync-leader'
const CHANNEL = 'rasoat-tabs'

export function startSync(device: Device, token: string, appVersion: string): SyncRuntime {
  const wsUrl = (): string => {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:'
    return `${proto}//${location.host}/sync?token=${encodeURIComponent(token)}`
  }
  const client = new SyncClient({
    url: wsUrl,
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    store: device.syncStore,
    deviceId: device.deviceId,
    appVersion,
    isOnline: () => navigator.onLine,
    checkSession: async () => {
      try {
        const res = await fetch('/api/me', { headers: { authorization: `Bearer ${token}` } })
        return res.status === 401 ? 'unauthenticated' : res.ok ? 'ok' : 'unknown'
      } catch {
        return 'unknown'
      }
    },
  })
  const statusListeners = new Set<(s: SyncStatus) => void>()
  const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL)
  let channelOpen = channel !== null
  const post = (m: TabMessage): void => {
    if (channelOpen) channel?.postMessage(m)
  }
  let leader = false
  let stopped = false
  let releaseLock: (() => void) | null = null

  client.onStatus((s) => {
    for (const l of statusListeners) l(s)
    post({ type: 'status', status: s })
  })
  device.onOutbox = (id) => (leader ? client.notifyOutbox(id) : post({ type: 'outbox', id }))
  // A follower drops its own copy first (its tab may hold the document), then the leader drops and fetches again.
  device.discardLocal = async (id) => {
    if (leader) return client.discardLocal(id)
    await device.households.discardLocal(id)
    post({ type: 'discard', id })
  }
  const offRows = device.index.subscribeRows((ids) => post({ type: 'rows', ids }))
  if (channel) {
    channel.onmessage = (ev: MessageEvent<TabMessage>) => {
      const m = ev.data
      if (m.type === 'outbox' && leader) client.notifyOutbox(m.id)
      else if (m.type === 'discard' && leader) void client.discardLocal(m.id).catch(() => undefined)
      else if (m.type === 'status' && !leader) for (const l of statusListeners) l(m.status)
      else if (m.type === 'rows') {
        void Promise.all(m.ids.map((id) => device.summary.household(id))).then((rows) =>
          device.index.put(
            rows.filter((r) => r !== undefined),
            true,
          ),
        )
      }
    }
  }

  const becomeLeader = (): void => {
    if (stopped) return
    leader = true
    client.start()
  }
  // A follower's request is still queued when it stops (sign in again, logout): it is aborted, and a grant that comes
  // anyway is given back at once, or it would hold the lock forever and no tab would sync after the leader closes.
  const lockAbort = typeof AbortController === 'undefined' ? null : new AbortController()
  if (typeof navigator !== 'undefined' && navigator.locks) {
    void navigator.locks
      .request(
        LOCK,
        { signal: lockAbort?.signal },
        () =>
          new Promise<void>((resolve) => {
            if (stopped) return resolve()
            releaseLock = resolve
            becomeLeader()
          }),
      )
      .catch(() => becomeLeader())
  } else {
    becomeLeader()
  }

  const online = (): void => client.kick()
  const offline = (): void => client.disconnect()
  // Edits typed just before the page goes away are written to the outbox now, not after the batching delay.
  const hidden = (): void => {
    if (document.visibilityState === 'hidden') void device.households.flush()
  }
  window.addEventListener('online', online)
  window.addEventListener('offline', offline)
  document.addEventListener('visibilitychange', hidden)
  return {
    client,
    onStatus(listener) {
      statusListeners.add(listener)
    },
    kick: () => client.kick(),
    stop() {
      stopped = true
      window.removeEventListener('online', online)
      window.removeEventListener('offline', offline)
      document.removeEventListener('visibilitychange', hidden)
      device.onOutbox = () => undefined
      device.discardLocal = () => Promise.reject(new Error('sync/not-running'))
      offRows()
      client.stop()
      channelOpen = false
      channel?.close()
      releaseLock?.()
      lockAbort?.abort()
    },
  }
}
