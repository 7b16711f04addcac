// What part of the city a console may look at, and with which filters: shared by GET /api/pins and the /live socket so
// both answer the same scope. Supervisors: their unit; admins and observers: every unit; enumerators: refused.
import { z } from 'zod'
import type { User } from '../auth/access.ts'
import { CATEGORIES, STATUSES } from '../../shared/household/types.ts'
import type { ConsoleStore } from '../store/console-store.ts'
import type { PinFilters } from './pin-index.ts'

const list = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .max(2000)
    .transform((s) => s.split(',').filter((x) => x !== ''))
    .pipe(z.array(item).min(1).max(100))

/** Filter parameters as the HTTP query and the subscribe message spell them (comma-separated lists). */
export const FilterParams = z.object({
  village: list(z.string().min(1).max(64)).optional(),
  enumerator: z.string().min(1).max(64).optional(),
  status: list(z.enum(STATUSES)).optional(),
  category: list(z.enum(CATEGORIES)).optional(),
})
export type FilterParams = z.infer<typeof FilterParams>

export interface View {
  period: string
  units: string[]
  filters: PinFilters
}

export type ViewResult = { ok: true; view: View } | { ok: false; code: 'auth/forbidden'; message: string }

const intersect = (a: readonly string[] | undefined, b: readonly string[]): string[] =>
  a ? a.filter((x) => b.includes(x)) : [...b]

export function resolveView(
  store: ConsoleStore,
  user: User,
  period: string,
  unit: string | undefined,
  f: FilterParams,
): ViewResult {
  let units: string[]
  let villages = f.village
  if (user.role === 'supervisor') {
    if (user.unitCode === null || (unit !== undefined && unit !== user.unitCode))
      return { ok: false, code: 'auth/forbidden', message: 'only your own unit' }
    units = [user.unitCode]
  } else if (user.role === 'enumerator') {
    // The phone has its households (with their positions) through /sync; a household's own assignee may differ from
    // its village's enumerators, so a village-based map would show households moved away: the console map is refused.
    return { ok: false, code: 'auth/forbidden', message: 'the map is for supervisors, admins and observers' }
  } else {
    units = unit !== undefined ? [unit] : store.unitsOf(period)
  }
  if (f.enumerator !== undefined) villages = intersect(villages, store.villagesAssignedTo(f.enumerator))
  return { ok: true, view: { period, units, filters: { villages, statuses: f.status, categories: f.category } } }
}
