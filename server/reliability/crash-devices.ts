// A phone in the crash trials: the real sync session over in-memory storage that outlives the server's crash (as
// IndexedDB does), making seeded edits (answers, members, the enumerator's status moves) and photo uploads that it
// retries after the restart, and noting the clock each acknowledged update reached.
import { createHash } from 'node:crypto'
import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import type { Status } from '../../shared/household/types.ts'
import { MemorySessionStore } from '../../shared/sync/memory-store.ts'
import { connectDevice, type TestDevice } from '../relay/test-client.ts'
import type { AckedEdit } from './crash-checks.ts'
import type { CrashWorld } from './crash-process.ts'

/** What the trial shares with its phones: every acknowledged update, the ACK count, the kill once started. */
export interface CrashTrialState {
  acked: AckedEdit[]
  ackMessages: number
  kill: Promise<void> | null
}

/** The field moves an enumerator makes on their own, in order. */
const NEXT_MOVE: Partial<Record<Status, Status>> = {
  listed: 'assigned',
  assigned: 'in_progress',
  in_progress: 'submitted',
}

export interface CrashDevice {
  name: string
  store: MemorySessionStore
  edits: number
  /** Photos the server answered 200/201 for. */
  photosStored: Set<string>
  /** One seeded action on `householdId`: an edit queued and sent, or a photo upload started. */
  act(householdId: string, rnd: () => number, n: number, deviceCount: number): void
  /** Uploads not answered (the server died under them) sent again; throws unless each is stored now. */
  retryPhotos(): Promise<void>
  /** The app is closed and opened again: a new session over the same storage. */
  reopen(): void
  /** Resolves when the session is synced with an empty outbox. */
  synced(): Promise<void>
  stop(): void
}

export function startCrashDevice(opts: {
  name: string
  index: number
  url: string
  world: CrashWorld
  state: CrashTrialState
  onAck: () => void
}): CrashDevice {
  const { world, state } = opts
  const sent = new Map<number, AckedEdit>()
  const store = new MemorySessionStore({
    onAcked(_householdId, seqs) {
      for (const seq of seqs) {
        const edit = sent.get(seq)
        if (edit) state.acked.push(edit)
      }
      opts.onAck()
    },
  })
  const connect = (): TestDevice =>
    connectDevice({ url: opts.url, token: world.enumeratorToken, deviceId: opts.name, store })
  let device = connect()
  const photosStored = new Set<string>()
  const photosPending = new Map<string, { bytes: Uint8Array<ArrayBuffer>; householdId: string }>()
  const inFlight = new Set<Promise<void>>()

  async function upload(sha: string): Promise<'stored' | 'unanswered'> {
    const p = photosPending.get(sha)!
    let res: Response
    try {
      res = await fetch(`${opts.url}/api/photos/${sha}?household=${p.householdId}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${world.enumeratorToken}`, 'content-type': 'image/jpeg' },
        body: p.bytes,
      })
      await res.arrayBuffer()
    } catch {
      return 'unanswered'
    }
    if (res.status !== 200 && res.status !== 201) throw new Error(`photo upload answered ${res.status}`)
    photosStored.add(sha)
    photosPending.delete(sha)
    return 'stored'
  }

  function edit(householdId: string, change: (h: HouseholdDoc) => { ok: boolean }): void {
    let result: { ok: boolean } = { ok: true }
    const update = store.edit(householdId, (doc) => {
      result = change(new HouseholdDoc(doc))
    })
    if (!result.ok)
      throw new Error(`${opts.name}: edit of ${householdId} refused on the phone: ${JSON.stringify(result)}`)
    if (!update) return
    const doc = store.doc(householdId)
    const queued = store.outbox.get(householdId) ?? []
    const seq = queued[queued.length - 1]!.seq
    sent.set(seq, { householdId, clientId: doc.clientID, clockEnd: Y.getState(doc.store, doc.clientID) })
    self.edits++
    device.session.notifyOutbox(householdId)
  }

  const self: CrashDevice = {
    name: opts.name,
    store,
    edits: 0,
    photosStored,
    act(householdId, rnd, n, deviceCount) {
      const r = rnd()
      if (r < 0.1) {
        const bytes = new Uint8Array(512 + Math.floor(rnd() * 512))
        bytes.set([0xff, 0xd8, 0xff])
        for (let i = 3; i < bytes.length; i++) bytes[i] = Math.floor(rnd() * 256)
        const sha = createHash('sha256').update(bytes).digest('hex')
        photosPending.set(sha, { bytes, householdId })
        const p = upload(sha).then(() => undefined)
        inFlight.add(p)
        void p.finally(() => inFlight.delete(p))
        return
      }
      // Only the phone owning a household moves its status: one writer of the workflow, as in the field.
      const owner = world.households.indexOf(householdId) % deviceCount === opts.index
      const status = new HouseholdDoc(store.doc(householdId)).status
      const move = NEXT_MOVE[status]
      if (r < 0.35 && owner && move) {
        edit(householdId, (h) => h.changeStatus(move, { by: world.enumeratorId, at: new Date().toISOString() }))
      } else if (r < 0.5) {
        edit(householdId, (h) => h.addMember({ fullName: `Thành viên ${opts.name} ${n}` }))
      } else if (r < 0.75) {
        edit(householdId, (h) => h.setAddress(`Số ${n} đường Lê Lợi (${opts.name})`))
      } else {
        edit(householdId, (h) => {
          const head = h.members()[0]
          return head ? h.updateMember(head.id, { fullName: `Chủ hộ ${opts.name} ${n}` }) : { ok: true }
        })
      }
    },
    async retryPhotos() {
      await Promise.all([...inFlight])
      for (const sha of [...photosPending.keys()]) {
        if ((await upload(sha)) !== 'stored') throw new Error(`${opts.name}: photo ${sha} not stored after restart`)
      }
    },
    reopen() {
      device.stop()
      device = connect()
    },
    synced: () =>
      device.until((s) => s.phase === 'synced' && store.unsynced() === 0, `${opts.name} synced with an empty outbox`),
    stop: () => device.stop(),
  }
  return self
}
