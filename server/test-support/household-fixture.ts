// Test fixtures: household documents and edits for relay/store tests, so the tests themselves never spell Yjs keys.
// Thin calls to HouseholdDoc intents; only foreignRootUpdate spells a (deliberately foreign) Yjs root.
import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { SERVER_CLIENT_ID } from '../../shared/doc/keys.ts'
import { MEMBER_DEFAULTS } from '../../shared/doc/snapshot.ts'

export interface FixtureHousehold {
  id: string
  headName: string
  address?: string
  village?: string
  unit?: string
  lat?: number
}

/** The initial update of a seeded household (as seed/import would create it, server-side). */
export function householdUpdate(h: FixtureHousehold, members = 3): Uint8Array {
  const doc = HouseholdDoc.create(
    {
      id: h.id,
      period: '2025',
      unit: h.unit ?? '19900',
      village: h.village ?? 'v1',
      address: h.address ?? `${h.id} đường Lê Lợi`,
      location: { lat: h.lat ?? 16.46, lng: 107.59, accuracyM: 8, capturedAt: '2025-09-01T08:00:00Z' },
      members: Array.from({ length: members }, (_, i) => ({
        ...MEMBER_DEFAULTS,
        id: `${h.id}-m${i}`,
        fullName: i === 0 ? h.headName : `Thành viên ${i}`,
        relation: i === 0 ? ('head' as const) : ('child' as const),
        sex: i % 2 ? ('female' as const) : ('male' as const),
        birthDate: i === 0 ? '1980-01-01' : '2010-05-05',
        personalId: String(46_000_000_0000 + i).padStart(12, '0'),
      })),
    },
    { clientId: SERVER_CLIENT_ID },
  )
  const u = Y.encodeStateAsUpdate(doc.ydoc)
  doc.ydoc.destroy()
  return u
}

/** A device-side replica of a household: apply server bytes, make edits, collect the updates to send. */
export class DeviceReplica {
  readonly doc = new Y.Doc()
  private outbox: Uint8Array[] = []
  constructor(clientId?: number) {
    if (clientId !== undefined) this.doc.clientID = clientId
    this.doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') this.outbox.push(u)
    })
  }
  apply(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, 'remote')
  }
  stateVector(): Uint8Array {
    return Y.encodeStateVector(this.doc)
  }
  get household(): HouseholdDoc {
    return new HouseholdDoc(this.doc)
  }
  setAddress(address: string): void {
    const r = this.household.setField('address', address)
    if (!r.ok) throw new Error(r.reason)
  }
  setRoofDurable(v: boolean): void {
    this.household.setDwelling({ roofDurable: v })
  }
  setHeadName(memberId: string, name: string): void {
    this.household.updateMember(memberId, { fullName: name })
  }
  address(): string {
    return this.household.read().household.address
  }
  /** Everything edited since the last take, merged into one update. */
  take(): Uint8Array {
    const u = Y.mergeUpdates(this.outbox)
    this.outbox = []
    return u
  }
}

/** An update writing outside the documented layout. */
export function foreignRootUpdate(): Uint8Array {
  const doc = new Y.Doc()
  doc.getMap('evil').set('x', 1)
  return Y.encodeStateAsUpdate(doc)
}

/** Paths as the store records them. */
export const PATH = { address: 'address', roofDurable: 'dwelling.roofDurable' } as const
