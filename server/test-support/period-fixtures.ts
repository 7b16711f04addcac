// Test fixtures for review periods: the documented example households (shared/household/examples) seeded as records of
// a period in a village, so a test holds a poor, a near-poor and an average household whose category the relay computed;
// and a small JSON caller for the period routes.
import { readFileSync } from 'node:fs'
import * as Y from 'yjs'
import { HouseholdDoc, type HouseholdInit } from '../../shared/doc/household-doc.ts'
import { SERVER_CLIENT_ID } from '../../shared/doc/keys.ts'
import type { Household } from '../../shared/household/types.ts'
import type { Db } from '../db/open.ts'
import type { DocStore } from '../store/doc-store.ts'

export const EXAMPLES = {
  poor: 'poor-rural.json',
  nearPoor: 'near-poor-urban.json',
  average: 'average-farming.json',
} as const
export type ExampleName = keyof typeof EXAMPLES

/** The example household `name` (rasoat.household/1, without its format key). */
export function exampleHousehold(name: ExampleName): Household {
  const url = new URL(`../../shared/household/examples/${EXAMPLES[name]}`, import.meta.url)
  return JSON.parse(readFileSync(url, 'utf8')) as Household
}

/** The example as a household init of record `id` in `period`, village `village`. */
export function exampleInit(name: ExampleName, id: string, village: string, period = '2025'): HouseholdInit {
  const { format: _format, ...h } = exampleHousehold(name)
  return { ...h, id, village, period }
}

/** Seeds the example as record `id` of `period` in `village` (created in the example's unit when missing). */
export function seedExample(
  server: { db: Db; docStore: DocStore },
  name: ExampleName,
  id: string,
  village: string,
  period = '2025',
): void {
  const init = exampleInit(name, id, village, period)
  server.db
    .prepare('INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
    .run(village, init.unit, `Thôn ${village}`)
  const doc = HouseholdDoc.create(init, { clientId: SERVER_CLIENT_ID })
  const update = Y.encodeStateAsUpdate(doc.ydoc)
  doc.ydoc.destroy()
  server.db.transaction(() =>
    server.docStore.createHousehold({ id, period, unitCode: init.unit, villageId: village }, update, 'seed'),
  )()
}

/** GET (no body) or POST (JSON body) `path` on `baseUrl` as the bearer of `token`: the status and the JSON answer. */
export async function callApi(
  baseUrl: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(baseUrl + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}
