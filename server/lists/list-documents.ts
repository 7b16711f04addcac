// What a printed list reads from each committed household document (members, address, the household's marks), kept
// per record while its committed position (server_seq) stays: records on a list are locked, so a commune's list is
// read from the documents once and then answered from memory until one of them changes.

import type { DocStore } from '../store/doc-store.ts'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import type { ListMember } from '../../shared/reports/posting-list-types.ts'
import { listMembers } from './posting-list.ts'

/** Enough for every poor and near-poor record of the city; about 300 bytes each. */
export const DEFAULT_LIST_CACHE_SIZE = 50_000

export interface ListDocument {
  address: string
  meritoriousFamily: boolean
  ethnicMinority: boolean
  noWorkingCapacity: boolean
  members: ListMember[]
}

export interface ListDocuments {
  /** The record as committed at `serverSeq`, or null when the store holds no document for it. */
  read(householdId: string, serverSeq: number): ListDocument | null
}

export function createListDocuments(docStore: DocStore, maxEntries = DEFAULT_LIST_CACHE_SIZE): ListDocuments {
  // Insertion order is recency order: a hit is moved to the end, the oldest entry goes first.
  const cache = new Map<string, { serverSeq: number; doc: ListDocument }>()
  return {
    read(householdId, serverSeq) {
      const hit = cache.get(householdId)
      if (hit && hit.serverSeq === serverSeq) {
        cache.delete(householdId)
        cache.set(householdId, hit)
        return hit.doc
      }
      const state = docStore.readState(householdId)
      if (state === null) return null
      const ydoc = HouseholdDoc.load(state)
      const h = ydoc.read().household
      ydoc.ydoc.destroy()
      const doc: ListDocument = {
        address: h.address,
        meritoriousFamily: h.attributes.meritoriousFamily,
        ethnicMinority: h.attributes.ethnicMinority,
        noWorkingCapacity: h.attributes.noWorkingCapacity,
        members: listMembers(h.members),
      }
      cache.delete(householdId)
      cache.set(householdId, { serverSeq, doc })
      if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string)
      return doc
    },
  }
}
