// PUT/GET/HEAD /api/photos/:sha256 — idempotent, content-addressed uploads from phones (resumable by retrying),
// reads allowed to the uploader, to readers of the linked household, and to admins and observers.

import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import type { Hono } from 'hono'
import type { Access, User } from '../auth/access.ts'
import { requireRole, requireUser, type AppContext, type AppEnv } from '../http/context.ts'
import { ApiError } from '../http/errors.ts'
import {
  DEFAULT_PHOTO_QUOTA,
  PHOTO_MAX_BYTES,
  PHOTO_TYPES,
  isSha256,
  looksLike,
  sha256Hex,
  type PhotoQuota,
  type PhotoRow,
  type PhotoStore,
  type PhotoType,
} from './photo-store.ts'

function shaParam(c: AppContext): string {
  const sha = c.req.param('sha256') ?? ''
  if (!isSha256(sha)) {
    throw new ApiError('request/invalid', 'photo name must be a lowercase hex SHA-256', {
      issues: [{ path: ['sha256'], message: '64 lowercase hex digits' }],
    })
  }
  return sha
}

/** Reads the request body, refusing (without buffering it) anything over the limit. */
async function readCapped(c: AppContext, limit: number): Promise<Uint8Array> {
  const declared = Number(c.req.header('content-length') ?? NaN)
  const tooLarge = () => new ApiError('photo/too-large', `photos are limited to ${limit} bytes`, { limit })
  if (declared > limit) throw tooLarge()
  const body = c.req.raw.body
  if (!body) return new Uint8Array(0)
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) {
      await reader.cancel()
      throw tooLarge()
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks, total)
}

function mayRead(access: Access, user: User, photo: PhotoRow): boolean {
  if (user.role === 'admin' || user.role === 'observer') return true
  if (photo.uploadedBy === user.id) return true
  return photo.householdId !== null && access.canRead(user, photo.householdId)
}

export function photoRoutes(
  app: Hono<AppEnv>,
  deps: { access: Access; photos: PhotoStore; quota?: PhotoQuota | undefined },
): void {
  const { access, photos } = deps
  const quota = deps.quota ?? DEFAULT_PHOTO_QUOTA

  app.put('/api/photos/:sha256', async (c) => {
    const user = requireRole(c, 'enumerator', 'admin')
    const sha = shaParam(c)
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
    if (!(PHOTO_TYPES as readonly string[]).includes(type)) {
      throw new ApiError('photo/unsupported-type', 'photos must be image/jpeg or image/webp', { contentType: type })
    }
    const householdId = c.req.query('household') || null
    if (householdId !== null) {
      if (!photos.householdExists(householdId)) throw new ApiError('household/not-found', `no household ${householdId}`)
      if (!access.canWrite(user, householdId)) throw new ApiError('auth/forbidden', 'household outside your area')
    }
    const bytes = await readCapped(c, PHOTO_MAX_BYTES)
    if (bytes.byteLength === 0) throw new ApiError('photo/empty', 'the photo has no bytes')
    if (!looksLike(type as PhotoType, bytes))
      throw new ApiError('photo/not-an-image', `the bytes are not ${type}`, { contentType: type })
    const actual = sha256Hex(bytes)
    if (actual !== sha)
      throw new ApiError('photo/hash-mismatch', 'body does not hash to the name', { expected: sha, actual })
    if (photos.findStored(sha) === undefined) {
      // Only new bytes count: re-sending a stored photo (a retry, another household) costs nothing.
      const used = photos.uploadedToday(user.id)
      if (used.count >= quota.perDayCount || used.bytes + bytes.byteLength > quota.perDayBytes) {
        throw new ApiError('photo/quota-exceeded', 'too many photos uploaded by this user in the last 24 hours', {
          ...quota,
          used,
        })
      }
    }
    const { photo, created } = photos.put({
      sha256: sha,
      bytes,
      contentType: type as PhotoType,
      householdId,
      uploadedBy: user.id,
    })
    // The same bytes may already be linked to a household outside the uploader's area: do not name it to them.
    const householdShown =
      photo.householdId !== null && (photo.householdId === householdId || mayRead(access, user, photo))
        ? photo.householdId
        : null
    return c.json(
      { sha256: photo.sha256, bytes: photo.bytes, contentType: photo.contentType, householdId: householdShown },
      created ? 201 : 200,
    )
  })

  // Hono answers HEAD with this GET route minus the body: the client uses it to skip uploads that exist.
  app.get('/api/photos/:sha256', (c) => {
    const user = requireUser(c)
    const sha = shaParam(c)
    // A row whose file is gone is "not found": the phone then uploads it again (PUT puts the file back).
    const photo = photos.findStored(sha)
    if (!photo) throw new ApiError('photo/not-found', `no photo ${sha}`)
    if (!mayRead(access, user, photo)) throw new ApiError('auth/forbidden', 'photo outside your area')
    c.header('Content-Type', photo.contentType)
    c.header('Content-Length', String(photo.bytes))
    c.header('Cache-Control', 'private, max-age=31536000, immutable')
    c.header('ETag', `"${photo.sha256}"`)
    if (c.req.method === 'HEAD') return c.body(null, 200)
    return c.body(Readable.toWeb(createReadStream(photos.filePath(sha))) as ReadableStream, 200)
  })
}
