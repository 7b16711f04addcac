// Test support: a small world of two units, three villages, a handful of households and one user per role,
// inserted as summary rows (no Yjs) so HTTP scope tests stay fast. Only *.test.ts files import this.

import * as Y from 'yjs'
import { HouseholdDoc, SERVER_CLIENT_ID } from '../../shared/doc/index.ts'
import { seededRandom } from '../../shared/household/synthetic.ts'
import { foldForSearch } from '../../shared/text/fold.ts'
import { generateHousehold } from '../seed/generate.ts'
import { insertPlaces, type TestServer } from './server.ts'

export interface World {
  tokens: { enum: string; sup: string; admin: string; obs: string }
  ids: { enum: string; sup: string; admin: string; obs: string }
}

const household = (
  id: string,
  unit: string,
  village: string,
  head: string,
  lat: number,
  lng: number,
  status = 'listed',
) => ({
  id,
  period: '2025',
  unit_code: unit,
  village_id: village,
  head_name: head,
  address: `Thôn ${village}`,
  status,
  category: 'poor',
  lat,
  lng,
  accuracy_m: 8,
  search_text: foldForSearch(`${head} Thôn ${village}`),
})

/** Unit 19900 (Thuận An) has villages A1, A2; unit 20014 (Hóa Châu) has B1. enum is assigned A1, sup leads 19900. */
export async function makeWorld(s: TestServer): Promise<World> {
  insertPlaces(s, {
    villages: [
      ['A1', '19900', 'Thôn A1'],
      ['A2', '19900', 'Thôn A2'],
      ['B1', '20014', 'Thôn B1'],
    ],
    households: [
      household('hA1-1', '19900', 'A1', 'Nguyễn Hữu Phong', 16.45, 107.6, 'in_progress'),
      household('hA1-2', '19900', 'A1', 'Trần Thị Lan', 16.4501, 107.6001),
      household('hA1-3', '19900', 'A1', 'Lê Văn Đức', 16.4502, 107.6002, 'submitted'),
      household('hA2-1', '19900', 'A2', 'Phạm Thị Hoa', 16.47, 107.55),
      household('hB1-1', '20014', 'B1', 'Võ Văn Nam', 16.42, 107.63),
    ],
  })
  const e = await s.addUser({ username: 'enum', role: 'enumerator', villages: ['A1'] })
  const sup = await s.addUser({ username: 'sup', role: 'supervisor', unitCode: '19900' })
  const admin = await s.addUser({ username: 'admin', role: 'admin' })
  const obs = await s.addUser({ username: 'obs', role: 'observer' })
  const [te, ts, ta, to] = await Promise.all(['enum', 'sup', 'admin', 'obs'].map((u) => s.login(u)))
  return {
    tokens: { enum: te as string, sup: ts as string, admin: ta as string, obs: to as string },
    ids: { enum: e.id, sup: sup.id, admin: admin.id, obs: obs.id },
  }
}

/** A household stored as a real Yjs document (doc_state + summary row + initial field history), as seed/import make it. */
export function addDocHousehold(
  s: TestServer,
  h: { id: string; unitCode: string; villageId: string; headName?: string },
): void {
  const rand = seededRandom(h.id.length * 131 + h.id.charCodeAt(h.id.length - 1))
  const village = {
    id: h.villageId,
    unitCode: h.unitCode,
    unitKind: 'phuong' as const,
    name: h.villageId,
    lat: 16.45,
    lng: 107.6,
    weight: 1,
  }
  const household = generateHousehold(rand, {
    id: h.id,
    period: '2025',
    referenceDate: '2025-09-01',
    village,
    highland: false,
  })
  if (h.headName) {
    const head = household.members.find((m) => m.relation === 'head')
    if (head) head.fullName = h.headName
  }
  const { format: _format, ...init } = household
  const doc = HouseholdDoc.create(init, { clientId: SERVER_CLIENT_ID })
  s.db.transaction(() => {
    s.docStore.createHousehold(
      { id: h.id, period: '2025', unitCode: h.unitCode, villageId: h.villageId },
      Y.encodeStateAsUpdate(doc.ydoc),
      'seed',
    )
  })()
  doc.ydoc.destroy()
}
