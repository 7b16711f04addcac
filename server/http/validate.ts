// Input validation for routes: zod schemas in, ApiError request/invalid (with each issue's path) out. JSON routes
// accept only application/json bodies (a cross-site form cannot send one) nested at most MAX_JSON_DEPTH deep.

import type { MiddlewareHandler } from 'hono'
import type { z } from 'zod'
import { ApiError } from './errors.ts'
import type { AppContext } from './context.ts'

/** Deeper than any document of ours; recursive schemas would otherwise overflow the stack on hostile input. */
export const MAX_JSON_DEPTH = 64

export function parseWith<T extends z.ZodType>(schema: T, value: unknown, where = 'body'): z.infer<T> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw new ApiError('request/invalid', `invalid ${where}`, {
    issues: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
  })
}

/**
 * The JSON path of the first string (or key) holding U+0000, or null. No text the product stores may hold it:
 * PostgreSQL's TEXT refuses it, so both engines refuse it at the door, alike. Runs after the depth check (bounded).
 */
export function nulPath(value: unknown): (string | number)[] | null {
  const path: (string | number)[] = []
  const walk = (v: unknown): boolean => {
    if (typeof v === 'string') return v.includes('\u0000')
    if (v === null || typeof v !== 'object') return false
    for (const [k, x] of Array.isArray(v) ? v.entries() : Object.entries(v)) {
      path.push(k)
      if ((typeof k === 'string' && k.includes('\u0000')) || walk(x)) return true
      path.pop()
    }
    return false
  }
  return walk(value) ? path : null
}

function refuseNul(value: unknown, where: string): void {
  const at = nulPath(value)
  if (at)
    throw new ApiError('request/invalid', `${where} holds a NUL character (U+0000)`, {
      issues: [{ path: at, message: 'contains U+0000' }],
    })
}

/** Nesting depth of a parsed JSON value, without recursion (so the check itself cannot overflow). */
export function jsonDepth(value: unknown, stopAt = Infinity): number {
  let deepest = 0
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number]
    if (v === null || typeof v !== 'object') continue
    const d = depth + 1
    if (d > deepest) deepest = d
    if (deepest > stopAt) return deepest
    for (const child of Object.values(v)) stack.push([child, d])
  }
  return deepest
}

export async function jsonBody<T extends z.ZodType>(c: AppContext, schema: T): Promise<z.infer<T>> {
  let raw: unknown
  try {
    raw = await c.req.json()
  } catch {
    throw new ApiError('request/invalid', 'body is not valid JSON', { issues: [{ path: [], message: 'invalid JSON' }] })
  }
  if (jsonDepth(raw, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new ApiError('request/invalid', `body nested deeper than ${MAX_JSON_DEPTH}`, {
      issues: [{ path: [], message: `nested deeper than ${MAX_JSON_DEPTH}` }],
    })
  }
  refuseNul(raw, 'body')
  return parseWith(schema, raw)
}

export function queryParams<T extends z.ZodType>(c: AppContext, schema: T): z.infer<T> {
  const query = c.req.query()
  refuseNul(query, 'query')
  return parseWith(schema, query, 'query')
}

/** Refuses a request body that is not declared application/json (bodiless requests such as logout pass). */
export function jsonBodiesOnly(): MiddlewareHandler {
  return async (c, next) => {
    const hasBody = Number(c.req.header('content-length') ?? 0) > 0 || c.req.header('transfer-encoding') !== undefined
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase()
    if (hasBody && type !== 'application/json') {
      throw new ApiError('request/unsupported-type', 'send the body as application/json', { contentType: type ?? null })
    }
    await next()
  }
}
