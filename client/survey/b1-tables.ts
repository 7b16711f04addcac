// The Phiếu B1 point tables on the phone: fetched after sign-in and after each sync (GET /api/b1-tables), kept in the
// device's settings so a household opens and scores offline with the last tables seen. Tables are not personal data.
import type { B1Table } from '../../shared/rules/b1-table.ts'

export const B1_TABLES_SETTING = 'b1Tables'

export interface SettingsStore {
  getSetting<T>(key: string): Promise<T | undefined>
  setSetting(key: string, value: unknown): Promise<void>
}

export async function storedB1Tables(settings: SettingsStore): Promise<B1Table[]> {
  return (await settings.getSetting<B1Table[]>(B1_TABLES_SETTING)) ?? []
}

/** The server's active tables, stored for offline use; null when offline or refused (the stored copy stays). */
export async function refreshB1Tables(
  token: string,
  settings: SettingsStore,
  fetchFn: typeof fetch = (...a) => fetch(...a),
): Promise<B1Table[] | null> {
  try {
    const res = await fetchFn('/api/b1-tables', { headers: { authorization: `Bearer ${token}` } })
    if (!res.ok) return null
    const body = (await res.json()) as { active?: unknown }
    if (!Array.isArray(body.active)) return null
    const tables = body.active as B1Table[]
    await settings.setSetting(B1_TABLES_SETTING, tables)
    return tables
  } catch {
    return null
  }
}
