// Last-resort rescue of unsynced work: every household with unsent edits as base64 Yjs updates plus metadata,
// in one JSON file the enumerator can hand to a supervisor (an admin can apply it with stock Yjs tools).

import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts'
import { toBase64 } from './password-verifier.ts'
import type { Device } from './device.ts'

export const EXPORT_FORMAT = 'rasoat.unsynced-export/1'

export interface UnsyncedExport {
  format: typeof EXPORT_FORMAT
  exportedAt: string
  deviceId: string
  user: { id: string; username: string } | null
  appVersion: string
  protocol: number
  households: {
    id: string
    headName: string
    village: string
    address: string
    serverSeq: number
    lastLocalEdit: string | null
    /** The unacknowledged updates, in order (each a Yjs update, base64). */
    updates: string[]
    /** The device's whole state of the household (a Yjs update, base64), for when the server copy is lost. */
    state: string | null
  }[]
  /** Photos not yet uploaded (the documents hold only their hashes): the bytes, base64. */
  photos: { sha256: string; householdId: string; kind: string; capturedAt: string; contentType: string; data: string }[]
}

/** A photo waiting for upload, as the photo store holds it. */
export interface PendingPhoto {
  sha256: string
  householdId: string
  kind: string
  capturedAt: string
  contentType: string
  blob: Blob
}

export async function buildUnsyncedExport(
  device: Device,
  meta: {
    user: { id: string; username: string } | null
    appVersion: string
    now?: number
    /** Photos not yet uploaded (client/photos' pending()); they are unsynced work too. */
    pendingPhotos?: () => Promise<PendingPhoto[]>
  },
): Promise<UnsyncedExport> {
  await device.households.flush()
  const outbox = await device.summary.allOutbox()
  const byHousehold = new Map<string, string[]>()
  for (const e of outbox) {
    const list = byHousehold.get(e.householdId) ?? []
    list.push(toBase64(e.update))
    byHousehold.set(e.householdId, list)
  }
  // Edits whose outbox write failed (storage full: exactly when this export is needed) are only in memory.
  for (const [id, updates] of device.households.unwritten()) {
    byHousehold.set(id, [...(byHousehold.get(id) ?? []), ...updates.map(toBase64)])
  }
  const households: UnsyncedExport['households'] = []
  for (const [id, updates] of byHousehold) {
    const row = device.index.get(id)
    const state = await device.households.stateOf(id)
    households.push({
      id,
      headName: row?.headName ?? '',
      village: row?.village ?? '',
      address: row?.address ?? '',
      serverSeq: row?.serverSeq ?? 0,
      lastLocalEdit: row?.lastLocalEdit ? new Date(row.lastLocalEdit).toISOString() : null,
      updates,
      state: state ? toBase64(state) : null,
    })
  }
  const photos: UnsyncedExport['photos'] = []
  for (const p of (await meta.pendingPhotos?.()) ?? []) {
    const data = toBase64(new Uint8Array(await p.blob.arrayBuffer()))
    photos.push({
      sha256: p.sha256,
      householdId: p.householdId,
      kind: p.kind,
      capturedAt: p.capturedAt,
      contentType: p.contentType,
      data,
    })
  }
  return {
    format: EXPORT_FORMAT,
    exportedAt: new Date(meta.now ?? Date.now()).toISOString(),
    deviceId: device.deviceId,
    user: meta.user,
    appVersion: meta.appVersion,
    protocol: PROTOCOL_VERSION,
    households,
    photos,
  }
}

/** Offer the export as a file download (Blob URL; works offline). */
export function downloadJson(data: unknown, filename: string): void {
  const blob = new Blob([JSON.stringify(data, null, 1)], { type: 'application/json' })
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
