// Sessions: random 32-byte tokens given to the device once; only their SHA-256 is stored, with an expiry.
// Long lifetime on purpose — phones work offline for weeks during the review.

import { createHash, randomBytes } from 'node:crypto'
import type { Db } from '../db/open.ts'

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export interface NewSession {
  token: string
  expiresAt: number
}

export function createSession(
  db: Db,
  userId: string,
  opts: { deviceId?: string | null; now?: number; ttlMs?: number } = {},
): NewSession {
  const now = opts.now ?? Date.now()
  const token = randomBytes(32).toString('base64url')
  const expiresAt = now + (opts.ttlMs ?? SESSION_TTL_MS)
  db.prepare(
    'INSERT INTO sessions (token_hash, user_id, device_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
  ).run(hashToken(token), userId, opts.deviceId ?? null, now, expiresAt)
  return { token, expiresAt }
}

export function deleteSession(db: Db, token: string): void {
  db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hashToken(token))
}

/** Whether the user has signed in on (a session) or synced from (a Yjs client id) this device before. */
export function isKnownDevice(db: Db, userId: string, deviceId: string): boolean {
  return (
    db
      .prepare(
        `SELECT 1 FROM sessions WHERE user_id = ? AND device_id = ?
         UNION ALL SELECT 1 FROM client_ids WHERE user_id = ? AND device_id = ? LIMIT 1`,
      )
      .get(userId, deviceId, userId, deviceId) !== undefined
  )
}

/** Ends every session of a user (disabled, or their password was reset). Returns how many ended. */
export function deleteUserSessions(db: Db, userId: string): number {
  return db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId).changes
}

export function deleteExpiredSessions(db: Db, now = Date.now()): number {
  return db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes
}
