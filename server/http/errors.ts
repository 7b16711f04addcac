// The catalogue of stable HTTP error codes and the one error type routes throw.
// app.onError turns every ApiError into { code, message, details } with the status listed here.

import { isDatabaseUnavailable } from '../db/errors.ts'

export const API_ERRORS = {
  'auth/invalid-credentials': 401,
  'auth/unauthenticated': 401,
  'auth/forbidden': 403,
  'household/not-found': 404,
  'request/invalid': 400,
  'request/not-found': 404, // no such API route
  'request/too-large': 413, // JSON body above the limit
  'request/unsupported-type': 415, // a body that is not application/json on a JSON route
  'photo/hash-mismatch': 400,
  'photo/too-large': 413,
  'photo/not-found': 404,
  'photo/unsupported-type': 415,
  'photo/empty': 400,
  'photo/not-an-image': 415, // the bytes do not start like the declared type
  'photo/quota-exceeded': 429, // too many new photos by this user in 24 h
  'user/username-taken': 409,
  'user/not-found': 404,
  'user/own-account': 409, // an admin disabling their own account
  'user/last-admin': 409, // disabling or demoting the last enabled admin
  'conflict/not-found': 404,
  'conflict/already-resolved': 409,
  'review/invalid-transition': 409, // the record's status does not allow this review step
  'review/posting-not-ended': 409, // approval before the 3 working days of posting are over
  'village/not-found': 404,
  'village/other-commune': 409, // a merge of villages of two communes, or an enumerator of another commune
  'village/merge-into-itself': 409,
  'village/name-taken': 409, // another village of the commune has this name
  'units/invalid': 400, // a replacement unit list that fails validation (details.errors: path, line, message)
  'units/in-use': 409, // a replacement unit list drops a unit that still has villages, households or users
  'period/not-found': 404, // no review period of that id (a list, a report, a period action)
  'unit/not-found': 404, // no commune of that code (a list, a report)
  'report/unknown-table': 404, // a CSV of a table the report does not have
  'report/unknown-standard': 409, // the period names a standard this server does not know
  'assignment/not-an-enumerator': 409, // the target of a move is not an active enumerator
  'assignment/out-of-scope': 403, // a household, village or target enumerator outside the supervisor's commune
  'assignment/not-held': 409, // `from` does not hold a household or village of the move
  'rate/limited': 429,
  'register/too-large': 413, // a register CSV above the upload limit
  'register/encoding': 400, // a register CSV that is not UTF-8
  'register/empty': 400,
  'register/unknown-period': 404,
  'register/busy': 409, // another import of the register is running
  'device/too-many': 429, // a device report from an account that already reported MAX_DEVICES_PER_USER others
  'period/exists': 409, // opening a review period whose id is taken
  'period/closed': 409, // the period (or the household's period) is closed: its records are frozen
  'period/current': 409, // closing the current period (make another current first)
  'period/busy': 409, // a carry-over into this period is running
  'b1-table/invalid': 422, // a Phiếu B1 point table file with errors (details.errors: path, code, message)
  'storage/unavailable': 503, // the data folder refuses writes (disk full, read-only): nothing was stored, retry later
  internal: 500,
} as const

/** Codes the OS and SQLite give when the disk is full or the folder cannot be written. */
const STORAGE_REFUSALS = ['ENOSPC', 'EDQUOT', 'EROFS', 'SQLITE_FULL', 'SQLITE_READONLY']

/**
 * Whether `err` is the data folder refusing a write (a full disk, a read-only file system) or PostgreSQL being
 * unavailable, not a defect.
 */
export function isStorageRefusal(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  if (isDatabaseUnavailable(err)) return true
  return typeof code === 'string' && STORAGE_REFUSALS.some((c) => code === c || code.startsWith(`${c}_`))
}

/** PostgreSQL refusing a character in text (22021: U+0000 in a path parameter, say): the request's fault, not a defect. */
export function isRefusedCharacter(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === '22021'
}

export type ApiErrorCode = keyof typeof API_ERRORS
export type ApiErrorStatus = (typeof API_ERRORS)[ApiErrorCode]

export interface ApiErrorBody {
  code: ApiErrorCode
  message: string
  details: Record<string, unknown> | null
}

export class ApiError extends Error {
  readonly code: ApiErrorCode
  readonly details: Record<string, unknown> | null

  constructor(code: ApiErrorCode, message: string, details: Record<string, unknown> | null = null) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.details = details
  }

  get status(): ApiErrorStatus {
    return API_ERRORS[this.code]
  }

  toBody(): ApiErrorBody {
    return { code: this.code, message: this.message, details: this.details }
  }
}

export function isApiErrorCode(code: string): code is ApiErrorCode {
  return Object.hasOwn(API_ERRORS, code)
}
