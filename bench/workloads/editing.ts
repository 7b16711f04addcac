// Shared by W1 and W7: a fleet of phones in pairs (two phones per village hold the same households), each with a few
// live households it edits; an open-loop generator issues field edits at a set rate across the fleet.

import * as Y from 'yjs'
import type { Device, DeviceEvents } from '../clients/device.ts'
import type { Corpus } from '../lib/corpus.ts'
import { editableFields, editField, type FieldPath } from '../lib/edits.ts'
import type { Plan } from '../lib/plan.ts'
import type { ServerProcess } from '../lib/server-process.ts'
import { mapLimit, sleep } from '../lib/stats.ts'
import type { Prepared, SystemAdapter } from '../lib/systems.ts'
import { EditTracker } from '../lib/tracker.ts'

export interface FleetParams {
  pairs: number
  householdsPerPair: number
  hotPerDevice: number
}

export function pairPlan(corpus: Corpus, p: FleetParams, offset = 0): Plan {
  const groups = []
  for (let g = 0; g < p.pairs; g++) {
    const households = corpus.docs
      .slice(offset + g * p.householdsPerPair, offset + (g + 1) * p.householdsPerPair)
      .map((d) => d.id)
    groups.push({ name: `v${g}`, households, devices: [`e${g}a`, `e${g}b`] })
  }
  const stored = groups.flatMap((g) => g.households)
  if (stored.length < p.pairs * p.householdsPerPair) throw new Error('corpus too small for the plan')
  return { groups, stored }
}

export interface Editor {
  device: Device
  doc: Y.Doc
  fields: FieldPath[]
  next: number
}

export interface Fleet {
  devices: Device[]
  editors: Editor[]
  tracker: EditTracker
  connectMs: number
}

export async function startFleet(
  sys: SystemAdapter,
  server: ServerProcess,
  prep: Prepared,
  corpus: Corpus,
  plan: Plan,
  p: FleetParams,
  clientBase: number,
): Promise<Fleet> {
  const tracker = new EditTracker()
  const devices = plan.groups.flatMap((g) =>
    g.devices.map((name) => sys.device(server, prep, name, g.households, { events: trackerEvents(tracker) })),
  )
  const t0 = performance.now()
  await mapLimit(devices, 8, (d) => d.connect(120_000))
  const connectMs = performance.now() - t0
  const stateOf = new Map(corpus.docs.map((d) => [d.id, d.state]))
  const editors = fleetEditors(devices, plan.groups, stateOf, p, clientBase)
  return { devices, editors, tracker, connectMs }
}

/** What a fleet's phones tell its tracker: every remote update they receive, every ack. */
export function trackerEvents(tracker: EditTracker): DeviceEvents {
  return {
    onRemote: (dev, _id, update) => tracker.received(update, dev.name),
    onAck: (_dev, _id, sentAt) => tracker.ack(sentAt),
  }
}

/**
 * Each phone's hot households made live, with an editor for each: phone i (two per group, in order) edits the first
 * or the second `hotPerDevice` households of its group. `first` is the index of devices[0] in the whole fleet, so a
 * fleet split across simulator threads edits with the same client ids and fields as one in a single thread.
 */
export function fleetEditors(
  devices: readonly Device[],
  groups: readonly { households: readonly string[] }[],
  stateOf: ReadonlyMap<string, Uint8Array>,
  p: FleetParams,
  clientBase: number,
  first = 0,
): Editor[] {
  const editors: Editor[] = []
  devices.forEach((device, local) => {
    const group = groups[Math.floor(local / 2)]
    if (!group) return
    const i = first + local
    const start = (i % 2) * p.hotPerDevice
    for (let k = 0; k < p.hotPerDevice; k++) {
      const id = group.households[start + k]
      if (!id) continue
      const doc = device.makeLive(id, stateOf.get(id), clientBase + i * 100 + k)
      const fields = editableFields(doc)
      if (fields.length > 0) editors.push({ device, doc, fields, next: (i * 7 + k) % 11 })
    }
  })
  return editors
}

/** Issue `rate` edits/s for `seconds` (open loop, 10 ms ticks); returns the number issued. */
export async function drive(fleet: Fleet, rate: number, seconds: number, stop?: () => boolean): Promise<number> {
  const start = performance.now()
  let issued = 0
  let e = 0
  const total = Math.round(rate * seconds)
  while (issued < total && !stop?.()) {
    const due = Math.min(total, Math.floor((rate * (performance.now() - start)) / 1000))
    while (issued < due) {
      const ed = fleet.editors[e++ % fleet.editors.length] as Editor
      const path = ed.fields[ed.next++ % ed.fields.length] as FieldPath
      const clock = Y.getState(ed.doc.store, ed.doc.clientID)
      fleet.tracker.sent_(ed.doc.clientID, clock, ed.device.name)
      editField(ed.doc, path, issued)
      issued++
    }
    await sleep(10)
  }
  return issued
}

export async function closeFleet(fleet: Fleet): Promise<void> {
  await Promise.all(fleet.devices.map((d) => d.close()))
}

export function pendingAcks(fleet: Fleet): number {
  return fleet.devices.reduce((s, d) => s + d.pendingAcks(), 0)
}

export function fleetErrors(fleet: Fleet): number {
  return fleet.devices.reduce((s, d) => s + d.errors, 0)
}
