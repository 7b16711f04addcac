// Opening a household from the server for a reviewer (supervisor, admin, observer): the committed document
// (GET /api/households/:id/state) loaded into an in-memory Y.Doc through HouseholdDoc — never IndexedDB, never synced.

import { HouseholdDoc } from '../../shared/doc/household-doc.ts'

/** A summary row of GET /api/households (server/http/household-queries.ts). */
export interface HouseholdListRow {
  id: string
  villageId: string
  headName: string
  address: string
  status: string
  category: string
}

export type RemoteOpen = { ok: true; household: HouseholdDoc } | { ok: false; code: string }

export async function openRemoteHousehold(
  id: string,
  token: string,
  fetchFn: typeof fetch = (...a) => fetch(...a),
): Promise<RemoteOpen> {
  let res: Response
  try {
    res = await fetchFn(`/api/households/${encodeURIComponent(id)}/state`, {
      headers: { authorization: `Bearer ${token}` },
    })
  } catch {
    return { ok: false, code: 'network/offline' }
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { code?: string } | null
    return { ok: false, code: body?.code ?? 'request/failed' }
  }
  try {
    return { ok: true, household: HouseholdDoc.load(new Uint8Array(await res.arrayBuffer())) }
  } catch {
    return { ok: false, code: 'household/unreadable' }
  }
}

/** A photo's bytes from the server (GET /api/photos/:sha256), or null when it is not there or not readable. */
export async function fetchServerPhoto(
  sha256: string,
  token: string,
  fetchFn: typeof fetch = (...a) => fetch(...a),
): Promise<Blob | null> {
  try {
    const res = await fetchFn(`/api/photos/${encodeURIComponent(sha256)}`, {
      headers: { authorization: `Bearer ${token}` },
    })
    return res.ok ? await res.blob() : null
  } catch {
    return null
  }
}
