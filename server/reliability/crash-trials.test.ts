// Crash trials: phones (the real sync session, storage that outlives the crash) edit households, upload photos and an
// admin imports the register while the real server process is killed with -9 at a seeded moment; after a restart on
// the same folder nothing acknowledged is lost, every replica converges, and no server-side effect is recorded twice.
import { rmSync } from 'node:fs'
import * as Y from 'yjs'
import { expect, it } from 'vitest'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { TEST_UNIT } from '../test-support/relay-server.ts'
import { duplicateEffects, lostEdits, photoFaults, registerFaults, workflowFaults } from './crash-checks.ts'
import {
  CRASH_VILLAGE_NAME,
  freePort,
  killGroup,
  openCrashDb,
  seedCrashWorld,
  startServerProcess,
} from './crash-process.ts'
import { startCrashDevice, type CrashDevice, type CrashTrialState } from './crash-devices.ts'
import { random, report, seed, trials } from './long-run.ts'

const TRIALS = trials(3, 200)
const PERIOD = '2025'

/** A register of `codes` households (one head each) in the trials' village. */
function registerCsv(codes: number, trial: number): string {
  const header = 'household_code,personal_id,full_name,sex,birth_date,relation,ethnicity,unit,village,address'
  const rows = Array.from({ length: codes }, (_, i) => {
    const pid = `046070${String(trial * 1000 + i).padStart(6, '0')}` // a man born in 1970
    return `CR${trial}-${i},${pid},Hộ đăng ký ${i},nam,1970-01-01,chủ hộ,Kinh,${TEST_UNIT},${CRASH_VILLAGE_NAME},${i} Trần Hưng Đạo`
  })
  return [header, ...rows].join('\r\n')
}

async function postRegister(url: string, token: string, csv: string): Promise<string | null> {
  try {
    const res = await fetch(`${url}/api/register/imports?period=${PERIOD}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: csv,
    })
    return `${res.status} ${await res.text()}`
  } catch {
    return null // the server died under the request: the admin sends the file again
  }
}

/** Resolves when every device's replica of every household has the server's committed state vector. */
async function converged(url: string, token: string, devices: CrashDevice[], households: string[]): Promise<void> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const states = await Promise.all(
      households.map(async (id) => {
        const res = await fetch(`${url}/api/households/${id}/state`, { headers: { authorization: `Bearer ${token}` } })
        return new Uint8Array(await res.arrayBuffer())
      }),
    )
    const pending = households.filter((id, i) => {
      const server = Y.encodeStateVectorFromUpdate(states[i]!)
      return devices.some((d) => !sameVector(d.store.currentStateVector(id), server))
    })
    if (pending.length === 0) {
      households.forEach((id, i) => {
        const server = HouseholdDoc.load(states[i]!).read()
        for (const d of devices) expect(new HouseholdDoc(d.store.doc(id)).read(), `${d.name} ${id}`).toEqual(server)
      })
      return
    }
    if (Date.now() > deadline) throw new Error(`replicas of ${pending.join(', ')} did not converge`)
    await new Promise((ok) => setTimeout(ok, 50))
  }
}

function sameVector(a: Uint8Array, b: Uint8Array): boolean {
  const x = Y.decodeStateVector(a)
  const y = Y.decodeStateVector(b)
  if (x.size !== y.size) return false
  for (const [k, v] of x) if (y.get(k) !== v) return false
  return true
}

it(`survives kill -9 at random moments (${TRIALS} trials)`, { timeout: TRIALS * 90_000 }, async () => {
  const base = seed()
  const totals = {
    trials: 0,
    edits: 0,
    acked: 0,
    ackedAtKill: 0,
    kills: 0,
    reopened: 0,
    photos: 0,
    imports: 0,
    lost: 0,
    duplicates: 0,
  }
  for (let t = 0; t < TRIALS; t++) {
    const trialSeed = (base + t) >>> 0
    const rnd = random(trialSeed)
    const world = await seedCrashWorld(3 + Math.floor(rnd() * 4))
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    let child = await startServerProcess(world.dataDir, port)
    const state: CrashTrialState = { acked: [], ackMessages: 0, kill: null }
    const editCount = 30 + Math.floor(rnd() * 40)
    // Half the trials kill after a drawn number of ACK messages, the others after a drawn delay from the first edit.
    const killAfterAcks = rnd() < 0.5 ? 1 + Math.floor(rnd() * (editCount / 3)) : null
    const killAfterMs = killAfterAcks === null ? Math.floor(rnd() * 2_000) : null
    const withRegister = rnd() < 0.5
    const registerAt = Math.floor(rnd() * editCount)
    const registerCodes = 5 + Math.floor(rnd() * 30)
    console.log(
      `crash trial ${t + 1}/${TRIALS} seed=${trialSeed} households=${world.households.length} edits=${editCount} ` +
        `kill after ${killAfterAcks !== null ? `${killAfterAcks} ACKs` : `${killAfterMs} ms`}${withRegister ? `, register of ${registerCodes} at edit ${registerAt}` : ''}`,
    )
    let killStarted = (): void => {}
    const killing = new Promise<void>((ok) => (killStarted = ok))
    const kill = (): void => {
      if (state.kill !== null) return
      state.kill = killGroup(child, 'SIGKILL')
      killStarted()
    }
    const onAck = (): void => {
      state.ackMessages++
      if (killAfterAcks !== null && state.ackMessages >= killAfterAcks) kill()
    }
    const devices = Array.from({ length: 2 + Math.floor(rnd() * 2) }, (_, i) =>
      startCrashDevice({ name: `phone-${i}`, index: i, url, world, state, onAck }),
    )
    try {
      await Promise.all(devices.map((d) => d.synced()))
      const csv = registerCsv(registerCodes, t)
      let registerPost: Promise<string | null> | null = null
      const timer = killAfterMs === null ? null : setTimeout(kill, killAfterMs)
      for (let e = 0; e < editCount; e++) {
        if (withRegister && e === registerAt) registerPost = postRegister(url, world.adminToken, csv)
        const device = devices[Math.floor(rnd() * devices.length)]!
        const householdId = world.households[Math.floor(rnd() * world.households.length)]!
        device.act(householdId, rnd, e, devices.length)
        await new Promise((ok) => setTimeout(ok, Math.floor(rnd() * 6)))
      }
      // The kill may come while the outboxes drain; if everything is answered first, it comes then.
      const drained = Promise.all([...devices.map((d) => d.synced()), registerPost]).catch(() => undefined)
      await Promise.race([killing, drained])
      if (timer !== null) clearTimeout(timer)
      kill()
      await state.kill
      totals.kills++
      const registerStatus = registerPost ? await registerPost : null
      console.log(
        `  killed with ${state.acked.length} updates ACKed, ${devices.reduce((n, d) => n + d.store.unsynced(), 0)} ` +
          `waiting in outboxes${withRegister ? `, register import answered ${registerStatus?.slice(0, 3) ?? 'nothing'}` : ''}`,
      )

      // The folder as kill -9 left it: every update ACKed so far is committed, every photo answered 201/200 is stored.
      const ackedBeforeRestart = [...state.acked]
      totals.ackedAtKill += ackedBeforeRestart.length
      const db = openCrashDb(world.dataDir)
      const lost = lostEdits(db, ackedBeforeRestart)
      const storedPhotos = new Set(db.prepare('SELECT sha256 FROM photos').pluck().all() as string[])
      const importedBefore = registerStatus?.startsWith('200 ') ? registerFaults(db, PERIOD, registerCodes) : []
      db.close()
      expect(importedBefore, `trial seed ${trialSeed}: an answered import lost by kill -9`).toEqual([])
      expect(lost, `trial seed ${trialSeed}: ACKed updates lost by kill -9`).toEqual([])
      for (const d of devices)
        for (const sha of d.photosStored)
          expect(storedPhotos.has(sha), `trial seed ${trialSeed}: photo ${sha} answered but not stored`).toBe(true)

      // Restart on the same folder; phones reconnect and re-send what was not ACKed; uploads and the import are retried.
      child = await startServerProcess(world.dataDir, port)
      if (withRegister && !registerStatus?.startsWith('200 ')) {
        const again = await postRegister(url, world.adminToken, csv)
        expect(again?.slice(0, 4), `trial seed ${trialSeed}: register import after restart: ${again}`).toBe('200 ')
      }
      if (withRegister) totals.imports++
      // Some phones were closed meanwhile: their app opens again with what it had stored.
      for (const d of devices)
        if (rnd() < 0.3) {
          d.reopen()
          totals.reopened++
        }
      await Promise.all(devices.map((d) => d.retryPhotos()))
      await Promise.all(devices.map((d) => d.synced()))
      await converged(url, world.enumeratorToken, devices, world.households)
      for (const d of devices) d.stop()
      await killGroup(child, 'SIGTERM')

      const after = openCrashDb(world.dataDir)
      try {
        const uploaded = new Set(devices.flatMap((d) => [...d.photosStored]))
        expect(lostEdits(after, state.acked), `trial seed ${trialSeed}: ACKed updates lost`).toEqual([])
        expect(duplicateEffects(after, world.households), `trial seed ${trialSeed}: effects twice`).toEqual([])
        expect(workflowFaults(after, world.households), `trial seed ${trialSeed}: workflow`).toEqual([])
        expect(photoFaults(after, world.dataDir, uploaded), `trial seed ${trialSeed}: photos`).toEqual([])
        if (withRegister)
          expect(registerFaults(after, PERIOD, registerCodes), `trial seed ${trialSeed}: register`).toEqual([])
        totals.photos += uploaded.size
      } finally {
        after.close()
      }
      totals.trials++
      totals.edits += devices.reduce((n, d) => n + d.edits, 0)
      totals.acked += state.acked.length
    } finally {
      for (const d of devices) d.stop()
      await killGroup(child, 'SIGKILL')
      rmSync(world.dataDir, { recursive: true, force: true })
    }
  }
  report('crash-trials', base, totals)
})
