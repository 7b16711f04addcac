// The household documents every system is benchmarked with, generated once and cached under .tmp/bench/:
// built through shared/doc's HouseholdDoc when it exists, else a Y.Map-per-field shape of the same size.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { seededRandom } from '../../shared/household/fixtures.ts'
import { buildWithHouseholdDoc } from './household-builder.ts'

export interface CorpusDoc {
  id: string
  /** Full state, Yjs update V1. */
  state: Uint8Array
}

export interface Corpus {
  shape: string
  docs: CorpusDoc[]
  avgStateBytes: number
}

const CACHE_DIR = fileURLToPath(new URL('../../.tmp/bench/', import.meta.url))

/** Deterministic UUID-shaped household ids (the format requires a UUID). */
export function householdId(i: number): string {
  return `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`
}

const FALLBACK_FIELDS = 40
const MEMBER_FIELDS = ['fullName', 'sex', 'birthDate', 'relation', 'ethnicity', 'ableToWork', 'employment', 'disability',
  'healthInsurance', 'studying', 'education', 'schoolOnTrack', 'malnourished', 'monthlySocialAllowance', 'personalId']

/** Fallback shape: one Y.Map per section, one key per question, members as a Y.Map of Y.Maps by id. */
function buildFallback(i: number): Uint8Array {
  const r = seededRandom(1000 + i) // the fixtures' PRNG: every run and every system sees the same documents and edits
  const doc = new Y.Doc({ gc: true })
  doc.clientID = 1_000_000 + i
  doc.transact(() => {
    const fields = doc.getMap('fields')
    for (let f = 0; f < FALLBACK_FIELDS; f++) {
      const kind = f % 3
      fields.set(`q${f}`, kind === 0 ? Math.round(r() * 1000) : kind === 1 ? r() < 0.5 : `answer ${Math.round(r() * 100)}`)
    }
    const members = doc.getMap('members')
    const n = 2 + Math.floor(r() * 4)
    for (let m = 0; m < n; m++) {
      const mm = new Y.Map<unknown>()
      members.set(`m${i}-${m}`, mm)
      for (const k of MEMBER_FIELDS) mm.set(k, k === 'fullName' ? `Nguyễn Văn ${m}` : Math.round(r() * 10))
    }
  })
  // A few revisits, as in the field: each edit leaves history.
  for (let e = 0; e < 40; e++) doc.getMap('fields').set(`q${Math.floor(r() * FALLBACK_FIELDS)}`, Math.round(r() * 1000))
  return Y.encodeStateAsUpdate(doc)
}

function writeCache(file: string, c: Corpus): void {
  const enc = encoding.createEncoder()
  encoding.writeVarString(enc, c.shape)
  encoding.writeVarUint(enc, c.docs.length)
  for (const d of c.docs) {
    encoding.writeVarString(enc, d.id)
    encoding.writeVarUint8Array(enc, d.state)
  }
  writeFileSync(file, encoding.toUint8Array(enc))
}

function readCache(file: string): Corpus {
  const dec = decoding.createDecoder(new Uint8Array(readFileSync(file)))
  const shape = decoding.readVarString(dec)
  const n = decoding.readVarUint(dec)
  const docs: CorpusDoc[] = []
  for (let i = 0; i < n; i++) docs.push({ id: decoding.readVarString(dec), state: decoding.readVarUint8Array(dec) })
  return withAvg(shape, docs)
}

function withAvg(shape: string, docs: CorpusDoc[]): Corpus {
  const total = docs.reduce((s, d) => s + d.state.length, 0)
  return { shape, docs, avgStateBytes: docs.length ? Math.round(total / docs.length) : 0 }
}

/** n household documents (ids hh-000000…), cached per (n, shape). */
export async function loadCorpus(n: number): Promise<Corpus> {
  mkdirSync(CACHE_DIR, { recursive: true })
  const builder = await buildWithHouseholdDoc()
  const shape = builder ? builder.shape : 'fallback Y.Map-per-field (HouseholdDoc not available)'
  const tag = builder ? 'hd' : 'fb'
  const file = `${CACHE_DIR}corpus-${tag}-${n}.bin`
  if (existsSync(file)) {
    const c = readCache(file)
    if (c.shape === shape && c.docs.length === n) return c
  }
  const docs: CorpusDoc[] = []
  for (let i = 0; i < n; i++) {
    const id = householdId(i)
    docs.push({ id, state: builder ? builder.build(i, id) : buildFallback(i) })
  }
  const c = withAvg(shape, docs)
  writeCache(file, c)
  return c
}
