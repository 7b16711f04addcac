// Applies a /live delta to a table: rows with a known key are replaced in place, new ones appended.

export function mergeRows<T>(rows: readonly T[], changed: readonly T[], key: (row: T) => string): T[] {
  if (changed.length === 0) return rows as T[]
  const byKey = new Map(changed.map((r) => [key(r), r]))
  const next = rows.map((r) => {
    const k = key(r)
    const c = byKey.get(k)
    if (c) byKey.delete(k)
    return c ?? r
  })
  return [...next, ...byKey.values()]
}
