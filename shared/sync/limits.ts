// Size limits and WebSocket close codes of the sync protocol (docs/sync-protocol.md §Limits, §Close codes).
// Both ends enforce the same numbers; the server checks before decoding, the client before sending.

export const PROTOCOL_VERSION = 1 as const
/** Versions this build can speak; checkHello refuses the rest. */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [PROTOCOL_VERSION]

/** One WebSocket message (one frame, possibly a BATCH). */
export const MAX_FRAME_BYTES = 512 * 1024
/** One Yjs update (DOC step2/update) from a client. */
export const MAX_UPDATE_BYTES = 256 * 1024
/**
 * Yjs client ids one update may use for the first time (bound to the user at commit). A device uses one per opening of a
 * household document, so a merged outbox of a day offline holds a few; 4,000 in one update is an attack on the bindings.
 */
export const MAX_NEW_CLIENT_IDS_PER_UPDATE = 16
/** A BATCH after inflation; the server splits larger bootstraps into several batches. */
export const MAX_UNPACKED_BATCH_BYTES = 8 * 1024 * 1024
export const MAX_BATCH_FRAMES = 5_000
/** Ids: household ids, device ids, user ids, conflict ids. */
export const MAX_ID_BYTES = 128
/** Free text: app version, error messages, field paths. */
export const MAX_TEXT_BYTES = 4 * 1024
/** JSON values in CONFLICT frames. */
export const MAX_JSON_BYTES = 64 * 1024
export const MAX_MANIFEST_ENTRIES = 20_000
export const MAX_CONFLICT_CANDIDATES = 64

/** WebSocket close codes (1xxx standard, 4xxx ours: 4000 + the nearest HTTP status). */
export const CloseCode = {
  NORMAL: 1000,
  /** Server shutting down or restarting: reconnect with backoff. */
  SERVER_SHUTDOWN: 1001,
  /** Never sent: the socket dropped without a close frame (network failure, refused upgrade as a browser sees it). */
  NETWORK_LOST: 1006,
  /** A frame above MAX_FRAME_BYTES. */
  TOO_LARGE: 1009,
  /** Unexpected failure at the closing end; a client closes with it when its own storage fails. Reconnect with backoff. */
  INTERNAL_ERROR: 1011,
  /** Overloaded: reconnect with backoff, not sooner than the hint in the reason text. */
  OVERLOADED: 1013,
  /** Undecodable frame or a frame out of order (e.g. anything before HELLO). */
  PROTOCOL_ERROR: 4400,
  /** No or expired session: log in again, do not retry with the same token. */
  UNAUTHENTICATED: 4401,
  /** Device or account disabled. */
  FORBIDDEN: 4403,
  /** No HELLO within the deadline. */
  HELLO_TIMEOUT: 4408,
  /** No message from the client for the server's idle time: reconnect when there is something to sync. */
  IDLE_TIMEOUT: 4410,
  /** The user opened more sockets than the server allows: this (the oldest) one was closed. Reconnect with backoff. */
  TOO_MANY_CONNECTIONS: 4429,
  /** Never sent by a server: the client closed a socket that gave no expected answer in time (half-open link). */
  RESPONSE_TIMEOUT: 4504,
  /** Protocol version not supported: update the app. */
  VERSION: 4426,
} as const

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode]

/** Whether a client should reconnect (with full-jitter backoff) after the socket closed with `code`. */
export function shouldReconnect(code: number): boolean {
  return code !== CloseCode.UNAUTHENTICATED && code !== CloseCode.FORBIDDEN && code !== CloseCode.VERSION
}
