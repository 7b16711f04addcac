// Test fixtures: household documents and edits for relay/store tests, so the tests themselves never spell Yjs keys.
// STAND-IN until shared/doc HouseholdDoc lands; then these become thin calls to its intent methods.
import * as Y from 'yjs'
import { Root } from '../../../shared/doc/keys.ts'

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
  const doc = new Y.Doc()
  doc.clientID = 1
  doc.transact(() => {
    doc.getMap(Root.META).set('schemaVersion', 1)
    const f = doc.getMap(Root.FIELDS)
    f.set('id', h.id)
    f.set('period', '2025')
    f.set('unit', h.unit ?? '19753')
    f.set('village', h.village ?? 'v1')
    f.set('address', h.address ?? `${h.id} đường Lê Lợi`)
    f.set('farming', false)
    const d = doc.getMap(Root.DWELLING)
    d.set('hasDwelling', true)
    d.set('roofDurable', true)
    d.set('water', 'piped')
    d.set('toilet', 'septic')
    const loc = doc.getMap(Root.LOCATION)
    loc.set('lat', h.lat ?? 16.46)
    loc.set('lng', 107.59)
    loc.set('accuracyM', 8)
    loc.set('capturedAt', '2025-09-01T08:00:00Z')
    doc.getMap(Root.WORKFLOW).set('status', 'assigned')
    const ms = doc.getMap(Root.MEMBERS)
    for (let i = 0; i < members; i++) {
      const m = new Y.Map<unknown>()
      ms.set(`${h.id}-m${i}`, m)
      m.set('fullName', i === 0 ? h.headName : `Thành viên ${i}`)
      m.set('relation', i === 0 ? 'head' : 'child')
      m.set('sex', i % 2 ? 'female' : 'male')
      m.set('birthDate', '1980-01-01')
      m.set('personalId', String(46_000_000_0000 + i).padStart(12, '0'))
      m.set('position', i)
      m.set('removed', false)
    }
  })
  const u = Y.encodeStateAsUpdate(doc)
  doc.destroy()
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
  setAddress(address: string): void {
    this.doc.getMap(Root.FIELDS).set('address', address)
  }
  setRoofDurable(v: boolean): void {
    this.doc.getMap(Root.DWELLING).set('roofDurable', v)
  }
  setHeadName(memberId: string, name: string): void {
    const m = this.doc.getMap(Root.MEMBERS).get(memberId)
    if (m instanceof Y.Map) m.set('fullName', name)
  }
  address(): unknown {
    return this.doc.getMap(Root.FIELDS).get('address')
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
export const PATH = { address: 'fields.address', roofDurable: 'dwelling.roofDurable' } as const
