// The standard each review period names (DOMAIN.md §3), on the phone: fetched with the B1 tables after sign-in and each
// sync (GET /api/periods), kept in the device's settings so a household classifies offline under its period's standard.
import type { SettingsStore } from './b1-tables.ts'

export const PERIOD_STANDARDS_SETTING = 'periodStandards'

/** Period id → standard id. */
export type PeriodStandardMap = Record<string, string>

export async function storedPeriodStandards(settings: SettingsStore): Promise<PeriodStandardMap> {
  return (await settings.getSetting<PeriodStandardMap>(PERIOD_STANDARDS_SETTING)) ?? {}
}

/** The server's periods and their standards, stored for offline use; null when offline or refused (the copy stays). */
export async function refreshPeriodStandards(
  token: string,
  settings: SettingsStore,
  fetchFn: typeof fetch = (...a) => fetch(...a),
): Promise<PeriodStandardMap | null> {
  try {
    const res = await fetchFn('/api/periods', { headers: { authorization: `Bearer ${token}` } })
    if (!res.ok) return null
    const body = (await res.json()) as { periods?: unknown }
    if (!Array.isArray(body.periods)) return null
    const map: PeriodStandardMap = {}
    for (const p of body.periods as unknown[]) {
      if (typeof p !== 'object' || p === null) continue
      const { id, standard } = p as { id?: unknown; standard?: unknown }
      if (typeof id === 'string' && typeof standard === 'string') map[id] = standard
    }
    await settings.setSetting(PERIOD_STANDARDS_SETTING, map)
    return map
  } catch {
    return null
  }
}
