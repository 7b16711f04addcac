// Test support: one village of seeded households and an enumerator with a session on a running server, plus device
// replicas built from what a real /sync client received — for tests of commits, backups and restores.

import { createSession } from '../auth/sessions.ts'
import { createUser } from '../auth/users.ts'
import type { RunningServer } from '../server.ts'
import { DeviceReplica, householdUpdate } from './household-fixture.ts'
import { TEST_UNIT } from './relay-server.ts'
import type { SyncClient } from '../relay/test-client.ts'

/** Seeds `ids` in village `village` and returns a session token of an enumerator assigned to it. */
export async function seedSyncWorld(
  server: Pick<RunningServer, 'db' | 'docStore'>,
  ids: readonly string[],
  village = 'vs',
): Promise<string> {
  const { db, docStore } = server
  db.prepare('INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(
    village,
    TEST_UNIT,
    `Thôn ${village}`,
  )
  db.transaction(() => {
    for (const id of ids)
      docStore.createHousehold(
        { id, period: '2025', unitCode: TEST_UNIT, villageId: village },
        householdUpdate({ id, headName: `Trần Thị ${id}`, village, unit: TEST_UNIT }),
        'seed',
      )
  })()
  const user = await createUser(db, {
    username: `enum-${village}`,
    password: 'correct horse battery',
    role: 'enumerator',
    villages: [village],
  })
  return createSession(db, user.id).token
}

/** A device replica of `householdId` holding everything `client` received for it. */
export function replicaFrom(client: SyncClient, householdId: string, clientId: number): DeviceReplica {
  const r = new DeviceReplica(clientId)
  for (const u of client.updates.get(householdId) ?? []) r.apply(u)
  return r
}
