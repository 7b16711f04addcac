// One simulator thread of W1 (started by simulator-threads.ts): its share of the pairs of phones, their edits at its
// share of the rate, and its own measurements. Both phones of a pair live here, so edit → other phone is timed on one
// clock, and this thread's garbage collection pauses only its own phones.

import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { makeDevice, type DeviceSpec } from '../clients/make.ts'
import { mapLimit } from '../lib/stats.ts'
import { EditTracker } from '../lib/tracker.ts'
import {
  closeFleet,
  drive,
  fleetEditors,
  fleetErrors,
  pendingAcks,
  trackerEvents,
  type Fleet,
  type FleetParams,
} from './editing.ts'

export interface SimulatorThreadData {
  /** This thread's phones, two per group, in order. */
  specs: DeviceSpec[]
  groups: { households: string[] }[]
  /** Stored state of every household a phone of this thread edits. */
  states: [string, Uint8Array][]
  params: FleetParams
  clientBase: number
  /** Index of specs[0] in the whole fleet. */
  first: number
  /** Phones connecting at once. */
  connectConcurrency: number
  /** The event-loop delay sampler's period (ms). */
  loopResolutionMs: number
}

export type SimulatorCommand =
  | { id: number; cmd: 'drive'; rate: number; seconds: number }
  | { id: number; cmd: 'counts' }
  | { id: number; cmd: 'latencies' }
  | { id: number; cmd: 'close' }

export interface FleetCounts {
  sent: number
  acked: number
  delivered: number
  pendingAcks: number
  errors: number
}

export interface DriveReport {
  issued: number
  /** This thread's event-loop delay during the drive, ns (the sampler's period included). */
  loopP99Ns: number
  loopMaxNs: number
}

/** Latencies (ms) recorded since the last call; the call starts the next set. */
export interface LatencyReport {
  ack: number[]
  other: number[]
}

export type SimulatorReply =
  | { type: 'ready'; connectMs: number }
  | { type: 'failed'; message: string }
  | { type: 'reply'; id: number; value: FleetCounts | DriveReport | LatencyReport | null }
  | { type: 'reply-failed'; id: number; message: string }

const port = parentPort
if (!port) throw new Error('simulator-thread.ts runs on a worker thread')
const data = workerData as SimulatorThreadData
const post = (m: SimulatorReply): void => port.postMessage(m)
const message = (e: unknown): string => (e instanceof Error ? (e.stack ?? e.message) : String(e))

async function start(): Promise<Fleet> {
  const tracker = new EditTracker()
  const devices = data.specs.map((s) => makeDevice(s, { events: trackerEvents(tracker) }))
  const t0 = performance.now()
  await mapLimit(devices, data.connectConcurrency, (d) => d.connect(120_000))
  const connectMs = performance.now() - t0
  const editors = fleetEditors(devices, data.groups, new Map(data.states), data.params, data.clientBase, data.first)
  return { devices, editors, tracker, connectMs }
}

async function run(fleet: Fleet, c: SimulatorCommand): Promise<SimulatorReply & { type: 'reply' }> {
  switch (c.cmd) {
    case 'drive': {
      const delay = monitorEventLoopDelay({ resolution: data.loopResolutionMs })
      delay.enable()
      const issued = await drive(fleet, c.rate, c.seconds)
      delay.disable()
      return { type: 'reply', id: c.id, value: { issued, loopP99Ns: delay.percentile(99), loopMaxNs: delay.max } }
    }
    case 'counts': {
      const t = fleet.tracker
      const value = {
        sent: t.sent,
        acked: t.acked,
        delivered: t.delivered,
        pendingAcks: pendingAcks(fleet),
        errors: fleetErrors(fleet),
      }
      return { type: 'reply', id: c.id, value }
    }
    case 'latencies': {
      const value = { ack: [...fleet.tracker.ackLatency], other: [...fleet.tracker.otherLatency] }
      fleet.tracker.resetLatencies()
      return { type: 'reply', id: c.id, value }
    }
    case 'close':
      await closeFleet(fleet)
      return { type: 'reply', id: c.id, value: null }
  }
}

start().then(
  (fleet) => {
    port.on('message', (c: SimulatorCommand) => {
      run(fleet, c).then(post, (e: unknown) => post({ type: 'reply-failed', id: c.id, message: message(e) }))
    })
    post({ type: 'ready', connectMs: fleet.connectMs })
  },
  (e: unknown) => post({ type: 'failed', message: message(e) }),
)
