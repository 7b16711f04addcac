// The catalogue of stable sync error codes (ERROR frames, decode failures, update rejections).
// Codes are protocol: adding one is a protocol change; messages are for logs, the UI maps codes via its dictionary.

export const SYNC_ERROR_CODES = [
  'sync/version-unsupported', // HELLO named a protocol version this server does not speak
  'sync/malformed', // a frame or field could not be decoded
  'sync/unauthenticated', // no valid session on the connection
  'sync/forbidden', // household outside the user's scope
  'sync/read-only', // the user's role may read but not write this household
  'sync/too-large', // frame or update above the size limits
  'sync/invalid-update', // the Yjs update does not decode
  'sync/layout-violation', // the update writes outside the documented household layout
  'sync/client-id-taken', // a Yjs client id already bound to another user
  'sync/overloaded', // server shedding load; retry later with backoff
  'sync/internal', // unexpected server failure; nothing was stored
  'sync/not-found', // household does not exist
  'sync/missing-dependencies', // the update builds on changes the server lacks: the server sends DOC step1, client answers step2
  'sync/too-many-client-ids', // the update uses more new Yjs client ids than MAX_NEW_CLIENT_IDS_PER_UPDATE; none was bound
  'sync/forbidden-transition', // a status move or history entry the writer may not make (review steps go through the review routes)
  'sync/record-locked', // the record is verified or beyond: answers can no longer be changed from a device
  'sync/creation-refused', // a household found in the field that may not be created (village not assigned, other unit, period, not pending)
  'sync/period-closed', // the household's review period is closed: its records are frozen
] as const

export type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number]

const CODE_SET: ReadonlySet<string> = new Set(SYNC_ERROR_CODES)

export function isSyncErrorCode(code: string): code is SyncErrorCode {
  return CODE_SET.has(code)
}

/**
 * Whether the client should keep the household's outbox entry and retry later (true),
 * or the update will never be accepted as is (false) and needs a person to look at it.
 */
export function isRetryable(code: SyncErrorCode): boolean {
  return (
    code === 'sync/overloaded' ||
    code === 'sync/internal' ||
    code === 'sync/unauthenticated' ||
    code === 'sync/missing-dependencies'
  )
}
