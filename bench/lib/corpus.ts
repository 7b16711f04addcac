// The household documents every system is benchmarked with, generated once and cached under .tmp/bench/:
// built through shared/doc's HouseholdDoc, with the edit history a household has after a visit.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { householdBuilder } from './household-builder.ts'

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
  const { shape, build } = householdBuilder
  const file = `${CACHE_DIR}corpus-hd-${n}.bin`
  if (existsSync(file)) {
    const c = readCache(file)
    if (c.shape === shape && c.docs.length === n) return c
  }
  const docs: CorpusDoc[] = []
  for (let i = 0; i < n; i++) {
    const id = householdId(i)
    docs.push({ id, state: build(i, id) })
  }
  const c = withAvg(shape, docs)
  writeCache(file, c)
  return c
}
