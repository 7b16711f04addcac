// Heap kept by the same household-like documents with and without keepContentTight, measured in a process of its own:
// `node --expose-gc --import tsx shared/test-support/content-heap.ts load|updates <values>`. Prints JSON: the bytes
// each kind of document kept, for three alternated rounds after a round of warm-up, and whether all read the same.
import * as Y from 'yjs'
import { keepContentTight } from '../doc/tight-content.ts'

const ENTRIES = Number(process.argv[3] ?? 40_000)

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')

function heapAfterGc(): number {
  gc!()
  gc!()
  return process.memoryUsage().heapUsed
}

/** A whole household-like state: ENTRIES answers in member maps. */
function bigState(): Uint8Array {
  const doc = new Y.Doc()
  doc.clientID = 7
  const members = doc.getMap<Y.Map<unknown>>('members')
  doc.transact(() => {
    for (let m = 0; m < ENTRIES / 10; m++) {
      const member = new Y.Map<unknown>()
      members.set(`m${m}`, member)
      for (let f = 0; f < 10; f++) member.set(`f${f}`, f % 2 === 0 ? m * f : `giá trị ${m}`)
    }
  })
  return Y.encodeStateAsUpdate(doc)
}

/** Updates of one value each, as a relay receives edits: ENTRIES fields, then 1,000 of them written again. */
function smallUpdates(): Uint8Array[] {
  const doc = new Y.Doc()
  doc.clientID = 9
  const out: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => out.push(u))
  const fields = doc.getMap('fields')
  for (let i = 0; i < ENTRIES + 1_000; i++) fields.set(`k${i % ENTRIES}`, i)
  return out
}

const mode = process.argv[2]
const updates = mode === 'load' ? [bigState()] : smallUpdates()
const make = (tight: boolean): Y.Doc => {
  const doc = new Y.Doc({ gc: true })
  if (tight) keepContentTight(doc)
  for (const u of updates) Y.applyUpdate(doc, u)
  return doc
}
const kept: Y.Doc[] = []
const rounds: { loose: number; tight: number }[] = []
for (let round = 0; round < 4; round++) {
  const bytes = { loose: 0, tight: 0 }
  for (const tight of round % 2 === 0 ? [false, true] : [true, false]) {
    const before = heapAfterGc()
    kept.push(make(tight))
    bytes[tight ? 'tight' : 'loose'] = heapAfterGc() - before
  }
  if (round > 0) rounds.push(bytes) // the first round warms both paths up
}
const same = kept.every((d) => JSON.stringify(d.toJSON()) === JSON.stringify(kept[0]!.toJSON()))
process.stdout.write(JSON.stringify({ rounds, same }))
