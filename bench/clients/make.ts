// A phone from a plain description (which client, which URL): what a simulator thread receives to build its phones.

import type { ApplyMode, Device, DeviceEvents } from './device.ts'
import { HocuspocusDevice } from './hocuspocus.ts'
import { RasoatDevice } from './rasoat.ts'
import { RasoatYjsDevice } from './rasoat-yjs.ts'
import { YWebsocketDevice } from './ywebsocket.ts'

export type ClientKind = 'rasoat' | 'rasoat-yjs' | 'hocuspocus' | 'ywebsocket'

/** Everything a phone needs to find its server, as data (it crosses to worker threads). */
export interface DeviceSpec {
  client: ClientKind
  url: string
  name: string
  households: string[]
  /** Bearer token (rasoat). */
  token?: string
}

export interface DeviceExtras {
  knownSv?: Map<string, Uint8Array>
  events?: DeviceEvents
  apply?: ApplyMode
}

const CLIENTS = {
  rasoat: RasoatDevice,
  'rasoat-yjs': RasoatYjsDevice,
  hocuspocus: HocuspocusDevice,
  ywebsocket: YWebsocketDevice,
} as const

export function makeDevice(spec: DeviceSpec, extras: DeviceExtras = {}): Device {
  const { client, ...options } = spec
  return new CLIENTS[client]({ ...options, ...extras })
}
