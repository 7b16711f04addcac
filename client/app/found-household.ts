// A household found in the field, added on the phone (also offline): a new document in an assigned village, written
// through HouseholdDoc.foundInField and stored like any edit (outbox), so it syncs like any household. The relay creates
// it on the server; it stays "pending approval" until the supervisor decides.
import type { Device } from './device.ts'

/** The enumerator's villages with their unit, and the current period (GET /api/villages), kept for offline use. */
export interface VillagePlaces {
  period: string
  villages: { id: string; unitCode: string; name: string }[]
}

export interface FoundInput {
  headName: string
  address: string
  village: string
}

export type FoundResult =
  | { ok: true; id: string }
  | { ok: false; code: 'found/no-places' | 'found/unknown-village' | 'found/head-name' | 'found/address' }

export const PLACES_SETTING = 'villagePlaces'

export async function addFoundHousehold(
  device: Device,
  places: VillagePlaces | null,
  input: FoundInput,
): Promise<FoundResult> {
  if (places === null) return { ok: false, code: 'found/no-places' }
  const village = places.villages.find((v) => v.id === input.village)
  if (!village) return { ok: false, code: 'found/unknown-village' }
  if (input.headName.trim() === '' || input.headName.length > 200) return { ok: false, code: 'found/head-name' }
  if (input.address.trim() === '' || input.address.length > 500) return { ok: false, code: 'found/address' }
  const id = crypto.randomUUID()
  const opened = await device.households.openHousehold(id)
  try {
    const r = opened.household.foundInField({
      id,
      period: places.period,
      unit: village.unitCode,
      village: village.id,
      address: input.address,
      headName: input.headName,
    })
    if (!r.ok) return { ok: false, code: 'found/head-name' }
  } finally {
    await opened.close() // writes the creation to the outbox before the list shows the row
  }
  return { ok: true, id }
}
