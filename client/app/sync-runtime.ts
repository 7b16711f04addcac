// Wires the sync client to the browser: WebSocket URL with the session token, online/offline events (offline closes
// the socket so edits wait in the outbox; online reconnects at once), and local outbox writes.

import { SyncClient, type SocketLike } from '../sync/sync-client.ts'
import type { Device } from './device.ts'

export interface SyncRuntime {
  client: SyncClient
  stop(): void
}

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
  })
  device.onOutbox = (id) => client.notifyOutbox(id)
  const online = (): void => client.kick()
  const offline = (): void => client.disconnect()
  // Edits typed just before the page goes away are written to the outbox now, not after the batching delay.
  const hidden = (): void => {
    if (document.visibilityState === 'hidden') void device.households.flush()
  }
  window.addEventListener('online', online)
  window.addEventListener('offline', offline)
  document.addEventListener('visibilitychange', hidden)
  client.start()
  return {
    client,
    stop() {
      window.removeEventListener('online', online)
      window.removeEventListener('offline', offline)
      document.removeEventListener('visibilitychange', hidden)
      device.onOutbox = () => undefined
      client.stop()
    },
  }
}
