// Shapes of the console API answers (docs/server.md "Console API"), as the console reads them.

export interface Pin {
  id: string
  unit: string
  village: string
  lat: number
  lng: number
  status: string
  category: string
  accuracyM: number | null
  editor: string | null
  flags: string[]
}

export interface Cluster {
  id: string
  lat: number
  lng: number
  count: number
  byStatus: Record<string, number>
  byCategory: Record<string, number>
}

export interface Counts {
  assigned: number
  started: number
  submitted: number
  verified: number
  returned: number
  byCategory: Record<string, number>
}

export interface VillageProgress {
  unit: string
  village: string
  name: string
  counts: Counts
}

export interface EnumeratorProgress {
  unit: string
  userId: string
  name: string
  villages: string[]
  counts: Counts
}

export interface DeviceRow {
  deviceId: string
  userId: string
  name: string
  appVersion: string
  unsyncedEdits: number
  unsyncedPhotos: number
  lastContact: number
  stale: boolean
}

export interface MapFilters {
  village: string
  enumerator: string
  status: string
  category: string
}

export interface Deltas {
  type: 'deltas'
  pins: Pin[]
  removed: string[]
  villages: VillageProgress[]
  enumerators: EnumeratorProgress[]
  devices: DeviceRow[]
}
