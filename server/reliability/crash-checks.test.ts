// The crash trials' checks see what they look for: a missing ACKed update, a row recorded twice, a status out of step
// with its history, a photo without its row, a register import counted wrong (on a real seeded database).
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { SERVER_CLIENT_ID } from '../../shared/doc/keys.ts'
import type { Db } from '../db/open.ts'
import { duplicateEffects, lostEdits, photoFaults, registerFaults, workflowFaults } from './crash-checks.ts'
import { openCrashDb, seedCrashWorld, type CrashWorld } from './crash-process.ts'

let world: CrashWorld
let db: Db
beforeAll(async () => {
  world = await seedCrashWorld(2)
  db = openCrashDb(world.dataDir)
})
afterAll(() => {
  db.close()
  rmSync(world.dataDir, { recursive: true, force: true })
})

it('a seeded world passes every check', () => {
  expect(lostEdits(db, [{ householdId: 'hc-1', clientId: SERVER_CLIENT_ID, clockEnd: 1 }])).toEqual([])
  expect(duplicateEffects(db, world.households)).toEqual([])
  expect(workflowFaults(db, world.households)).toEqual([])
  expect(photoFaults(db, world.dataDir, new Set())).toEqual([])
})

it('an ACKed update beyond the committed clock is lost', () => {
  const missing = { householdId: 'hc-2', clientId: 4242, clockEnd: 3 }
  expect(lostEdits(db, [missing])).toEqual([missing])
})

it('a history row or an audit entry recorded twice is a duplicate', () => {
  const history = db.prepare(
    `INSERT INTO field_history (household_id, path, value_json, user_id, device_id, client_id, clock, received_at, server_seq)
     VALUES ('hc-1', 'address', '"x"', 'u', 'd', 7, 3, ?, 2)`,
  )
  history.run(1)
  history.run(2)
  const audit = db.prepare(
    `INSERT INTO audit_log (at, action, target, details_json) VALUES (?, 'test-action', 't', '{}')`,
  )
  audit.run(1)
  audit.run(2)
  const found = duplicateEffects(db, world.households)
  expect(found.some((f) => f.startsWith('field_history'))).toBe(true)
  expect(found.some((f) => f.startsWith('audit'))).toBe(true)
})

it('a listed status in the document but another in the household row is a workflow fault', () => {
  db.prepare(`UPDATE households SET status = 'submitted' WHERE id = 'hc-2'`).run()
  expect(workflowFaults(db, world.households)).toEqual(['hc-2: households.status submitted, document listed'])
})

it('an upload without its row, and a register nobody imported, are reported', () => {
  expect(photoFaults(db, world.dataDir, new Set(['a'.repeat(64)]))).toHaveLength(3)
  expect(registerFaults(db, '2025', 4)).toHaveLength(3)
})
