// rasoat under test: seeding a DATA_DIR for a plan (filled in when the relay lands) and its /sync phone.

import type { Plan } from './plan.ts'
import { RasoatDevice } from '../clients/rasoat.ts'

export { RasoatDevice }

export async function rasoatAvailable(): Promise<string | null> {
  return 'relay not landed yet'
}

export async function prepareRasoat(_dir: string, _docs: { id: string; state: Uint8Array }[], _plan: Plan): Promise<Map<string, string>> {
  throw new Error('rasoat not available')
}
