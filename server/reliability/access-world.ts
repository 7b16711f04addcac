// The access matrix's world: two communes, an assigned and an unassigned village in the first, households as real Yjs
// documents, one user per role plus a disabled and an expired one, a closed period's record. Only tests import this.

import { createHash, randomBytes } from 'node:crypto'
import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { SERVER_CLIENT_ID } from '../../shared/doc/keys.ts'
import { makeHousehold } from '../../shared/test-support/household-fixtures.ts'
import { createSession } from '../auth/sessions.ts'
import type { Role } from './access-policy.ts'
import { addDocHousehold } from '../test-support/world.ts'
import { insertPlaces, type TestServer } from '../test-support/server.ts'

/** Who sends the request: a role, or a caller without a usable session. */
export type Subject = Role | 'signed-out' | 'disabled' | 'expired'
export const SUBJECTS: readonly Subject[] = [
  'enumerator',
  'supervisor',
  'admin',
  'observer',
  'signed-out',
  'disabled',
  'expired',
]

/** in: the enumerator's assigned village; village: same commune, a village not assigned; commune: another commune. */
export type Place = 'in' | 'village' | 'commune'
export const HOUSEHOLD_OF: Record<Place, string> = { in: 'hA1-1', village: 'hA2-1', commune: 'hB1-1' }
export const UNIT_OF: Record<Place, string> = { in: '19900', village: '19900', commune: '20014' }
export const CLOSED_HOUSEHOLD = 'hA1-old'

export interface AccessWorld {
  ids: Record<Subject, string>
  /** A fresh session token for each case (logout ends one); none for `signed-out`, an expired one for `expired`. */
  token(s: Subject): string | undefined
  /** A photo linked to the place's household (uploaded by the admin). */
  photoOf: Record<Place, string>
}

/** A small JPEG-looking body and its name; unique each call. */
export function photoBytes(): { bytes: Uint8Array<ArrayBuffer>; sha: string } {
  const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...randomBytes(32)])
  return { bytes, sha: createHash('sha256').update(bytes).digest('hex') }
}

export async function makeAccessWorld(s: TestServer): Promise<AccessWorld> {
  insertPlaces(s, {
    villages: [
      ['A1', '19900', 'Thôn A1'],
      ['A2', '19900', 'Thôn A2'],
      ['B1', '20014', 'Thôn B1'],
      ['B2', '20014', 'Thôn B2'],
    ],
  })
  addDocHousehold(s, { id: 'hA1-1', unitCode: '19900', villageId: 'A1' })
  addDocHousehold(s, { id: 'hA2-1', unitCode: '19900', villageId: 'A2' })
  addDocHousehold(s, { id: 'hB1-1', unitCode: '20014', villageId: 'B1' })
  addDocHousehold(s, { id: 'hB2-1', unitCode: '20014', villageId: 'B2' })
  // A record of a closed period in the enumerator's own village: frozen for everyone.
  s.db
    .prepare(
      `INSERT INTO periods (id, standard, reference_date, is_current, status, closed_at) VALUES ('2024', 'ND07_2022_2025', '2024-09-01', 0, 'closed', 1)`,
    )
    .run()
  const { format: _format, ...init } = makeHousehold({
    id: CLOSED_HOUSEHOLD,
    status: 'in_progress',
    village: 'A1',
    unit: '19900',
  })
  const old = HouseholdDoc.create({ ...init, period: '2024' }, { clientId: SERVER_CLIENT_ID })
  s.db.transaction(() =>
    s.docStore.createHousehold(
      { id: CLOSED_HOUSEHOLD, period: '2024', unitCode: '19900', villageId: 'A1' },
      Y.encodeStateAsUpdate(old.ydoc),
      'seed',
    ),
  )()
  old.ydoc.destroy()

  const users = {
    enumerator: await s.addUser({ username: 'enum-a', role: 'enumerator', villages: ['A1'] }),
    supervisor: await s.addUser({ username: 'sup-a', role: 'supervisor', unitCode: '19900' }),
    admin: await s.addUser({ username: 'admin', role: 'admin' }),
    observer: await s.addUser({ username: 'obs', role: 'observer' }),
    disabled: await s.addUser({ username: 'enum-off', role: 'enumerator', villages: ['A1'] }),
    expired: await s.addUser({ username: 'enum-late', role: 'enumerator', villages: ['A1'] }),
  }
  // The second commune's people, so "another commune" has owners of its own.
  await s.addUser({ username: 'enum-b', role: 'enumerator', villages: ['B1'] })
  await s.addUser({ username: 'sup-b', role: 'supervisor', unitCode: '20014' })
  const ids = { 'signed-out': '' } as Record<Subject, string>
  for (const [k, u] of Object.entries(users)) ids[k as Subject] = u.id

  const adminToken = createSession(s.db, users.admin.id).token
  const photoOf = {} as Record<Place, string>
  for (const place of ['in', 'village', 'commune'] as const) {
    const { bytes, sha } = photoBytes()
    const res = await s.api(`/api/photos/${sha}?household=${HOUSEHOLD_OF[place]}`, {
      method: 'PUT',
      token: adminToken,
      headers: { 'content-type': 'image/jpeg' },
      body: bytes,
    })
    if (res.status !== 201) throw new Error(`photo upload: ${res.status} ${await res.text()}`)
    photoOf[place] = sha
  }

  // Disabled after signing in: the flag alone must stop every later request, whatever sessions remain.
  const disabledToken = createSession(s.db, users.disabled.id).token
  s.db.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(users.disabled.id)

  return {
    ids,
    photoOf,
    token(subject) {
      if (subject === 'signed-out') return undefined
      if (subject === 'disabled') return disabledToken
      if (subject === 'expired') return createSession(s.db, ids.expired, { now: Date.now() - 31 * 86_400_000 }).token
      return createSession(s.db, ids[subject]).token
    },
  }
}
