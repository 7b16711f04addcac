// The catalogue of stable HTTP error codes and the one error type routes throw.
// app.onError turns every ApiError into { code, message, details } with the status listed here.

export const API_ERRORS = {
  'auth/invalid-credentials': 401,
  'auth/unauthenticated': 401,
  'auth/forbidden': 403,
  'household/not-found': 404,
  'request/invalid': 400,
  'request/not-found': 404, // no such API route
  'request/too-large': 413, // JSON body above the limit
  'photo/hash-mismatch': 400,
  'photo/too-large': 413,
  'photo/not-found': 404,
  'photo/unsupported-type': 415,
  'user/username-taken': 409,
  'conflict/not-found': 404,
  'conflict/already-resolved': 409,
  'rate/limited': 429,
  'device/too-many': 429, // a device report from an account that already reported MAX_DEVICES_PER_USER others
  internal: 500,
} as const

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
