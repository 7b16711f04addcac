// What a /sync connection needs: the socket it writes to, and the relay's stores, hub, limits and hooks (server/relay/
// index.ts builds one set for every connection).
import type { Access, User } from '../auth/access.ts'
import type { DocStore } from '../store/doc-store.ts'
import type { HouseholdWriter } from '../store/household-writer.ts'
import type { RecordedConflict } from '../store/projections.ts'
import type { CreateHousehold } from './household-creation.ts'
import type { Hub } from './hub.ts'
import type { ManifestAnswer } from './manifest.ts'
import type { RateLimiter, RelayLimits } from './rate-limit.ts'

export interface Socket {
  send(bytes: Uint8Array): void
  close(code: number, reason: string): void
  /** Bytes queued in the socket and not yet written. */
  buffered(): number
}

export interface DeviceConnectionDeps {
  access: Access
  docStore: DocStore
  writer: HouseholdWriter
  hub: Hub
  manifest(user: User, entries: readonly [string, number][], deviceId: string): ManifestAnswer
  now(): number
  /** The database's epoch, sent in WELCOME (P15): it changes when the data is restored from a backup. */
  epoch: string
  onError(e: unknown): void
  /** A connection that has not said HELLO by then is closed with HELLO_TIMEOUT (default 10 s). */
  helloTimeoutMs?: number
  /** Token buckets per frame kind and the inbound queue bound, per connection (not per IP: field teams share carrier NAT). */
  limits?: Pick<RelayLimits, 'rates' | 'maxQueuedFrames'>
  /** The user's own buckets, shared by their connections (MANIFESTs per user); without it only per connection. */
  userRate?(userId: string): RateLimiter
  /** Creates a household found in the field from a DOC update for an unknown id (household-creation.ts). */
  createHousehold?: CreateHousehold
  /** Changes when assignments change (Relay.scopeChanged): cached scope answers are dropped at once. */
  scopeGeneration?(): number
  /**
   * Conflicts of these households the user wrote a value of that are open or were settled lately: sent after the
   * MANIFEST reply, so a phone that was offline when a conflict was recorded, resolved or dismissed learns of it (P12).
   */
  conflictNotices?(user: User, householdIds: readonly string[]): RecordedConflict[]
}
