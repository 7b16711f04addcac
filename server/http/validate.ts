// Input validation for routes: zod schemas in, ApiError request/invalid (with each issue's path) out.

import type { z } from 'zod'
import { ApiError } from './errors.ts'
import type { AppContext } from './context.ts'

export function parseWith<T extends z.ZodType>(schema: T, value: unknown, where = 'body'): z.infer<T> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw new ApiError('request/invalid', `invalid ${where}`, {
    issues: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
  })
}

export async function jsonBody<T extends z.ZodType>(c: AppContext, schema: T): Promise<z.infer<T>> {
  let raw: unknown
  try {
    raw = await c.req.json()
  } catch {
    throw new ApiError('request/invalid', 'body is not valid JSON', { issues: [{ path: [], message: 'invalid JSON' }] })
  }
  return parseWith(schema, raw)
}

export function queryParams<T extends z.ZodType>(c: AppContext, schema: T): z.infer<T> {
  return parseWith(schema, c.req.query(), 'query')
}
