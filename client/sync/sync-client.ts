// The phone's /sync client: the shared session core (shared/sync/session.ts) with the browser's deflate-raw
// (DecompressionStream). Sockets and storage are passed in by the composition root (client/app/sync-runtime.ts).

import { SyncSession, type SyncSessionOptions } from '../../shared/sync/session.ts'
import { inflateRaw } from './sync-socket.ts'

export type { SessionSocket as SocketLike } from '../../shared/sync/session-socket.ts'
export type { StopReason, SyncPhase, SyncStatus } from '../../shared/sync/session.ts'

export type SyncClientOptions = Omit<SyncSessionOptions, 'inflate'> & { inflate?: SyncSessionOptions['inflate'] }

export class SyncClient extends SyncSession {
  constructor(options: SyncClientOptions) {
    super({ ...options, inflate: options.inflate ?? inflateRaw })
  }
}
