// Reads a household document into the summary columns of the `households` table (list, search, map pins).
// HouseholdDoc.read() gives the rasoat.household/1 shape; the category comes from shared/doc recordCategory(), with the
// loaded Phiếu B1 point tables, so the server and the phone classify a household alike.
import type * as Y from 'yjs'
import type { B1Table } from '../../shared/rules/b1-table.ts'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { Root, type RootName } from '../../shared/doc/keys.ts'
import { parsePath } from '../../shared/doc/paths.ts'
import type { HouseholdSnapshot } from '../../shared/doc/snapshot.ts'
import { recordCategory, type PeriodStandards } from '../../shared/doc/record-category.ts'
import { foldForSearch } from '../../shared/text/fold.ts'

export interface HouseholdSummary {
  headName: string
  address: string
  status: string
  category: string
  deprivationCount: number
  lat: number | null
  lng: number | null
  accuracyM: number | null
  /** When the GPS fix was taken, and the capture times of the photos: the visit flags read them (visit-flags.ts). */
  locationAt: string | null
  photoTimes: string[]
  searchText: string
  /** What the official reports count (docs/reports.md), stored on the same row. */
  facts: ReportFacts
}

/** Per-household figures of the reports; flags are 0/1 as stored. */
export interface ReportFacts {
  /** Bit n-1 set when indicator In is deprived (I01 → 1, I14 → 8192). */
  deprivationMask: number
  ethnicMinority: number
  meritorious: number
  noWorkingCapacity: number
  socialProtection: number
  farming: number
  /** Cause-of-poverty codes, sorted, comma-separated. */
  causes: string
  memberCount: number
}

/** The bit of an indicator id in `deprivationMask` (I01 → 0); -1 for an id that is not I + number. */
export function indicatorBit(id: string): number {
  // Read by hand: it runs for each deprivation of every summarised edit, where a regular expression's match was garbage.
  if (id.length !== 3 || id.charCodeAt(0) !== 73 /* I */) return -1
  const tens = id.charCodeAt(1) - 48
  const ones = id.charCodeAt(2) - 48
  if (tens < 0 || tens > 9 || ones < 0 || ones > 9) return -1
  return tens * 10 + ones - 1
}

/**
 * `b1Tables`: the active point tables (server/b1/b1-table-store.ts active()); `periodStandards`: the standard each period
 * names (period-standard-store.ts) — without it, or for a period it does not know, the standard follows the year.
 */
export function summarise(
  doc: Y.Doc,
  b1Tables?: readonly B1Table[],
  periodStandards?: PeriodStandards,
): HouseholdSummary {
  return summariseSnapshot(new HouseholdDoc(doc).read(), b1Tables, periodStandards)
}

/**
 * Search texts already folded: a household's name, address and ids rarely change between its edits, and folding
 * (NFD, marks, case) is the costliest part of its summary after classify. Bounded; cleared when full.
 */
const folded = new Map<string, string>()
const FOLDED_MAX = 20_000

function searchTextOf(raw: string): string {
  const hit = folded.get(raw)
  if (hit !== undefined) return hit
  const text = foldForSearch(raw)
  if (folded.size >= FOLDED_MAX) folded.clear()
  folded.set(raw, text)
  return text
}

/** summarise() of a snapshot already read (the writer keeps one per resident doc and rereads only written roots). */
export function summariseSnapshot(
  snapshot: HouseholdSnapshot,
  b1Tables?: readonly B1Table[],
  periodStandards?: PeriodStandards,
): HouseholdSummary {
  const h = snapshot.household
  const head = h.members.find((m) => m.relation === 'head') ?? h.members[0]
  // A record that does not classify yet (unknown unit, bad date) is honestly 'incomplete'; Phiếu A can end it as not poor.
  // Only the category and the deprivations are stored: the explanations are not built (explain: false).
  const { category, deprivationCount, classification, endedAtQuickScreen } = recordCategory(snapshot, {
    b1Tables,
    periodStandards,
    explain: false,
  })
  let deprivationMask = 0
  if (!endedAtQuickScreen)
    for (const id of classification?.deprivations ?? []) {
      const bit = indicatorBit(id)
      if (bit >= 0) deprivationMask |= 1 << bit
    }
  const headName = head?.fullName ?? ''
  const ids = h.members.map((m) => m.personalId).filter((x): x is string => typeof x === 'string')
  return {
    headName,
    address: h.address,
    status: snapshot.workflow.status,
    category,
    deprivationCount,
    lat: h.location?.lat ?? null,
    lng: h.location?.lng ?? null,
    accuracyM: h.location?.accuracyM ?? null,
    locationAt: h.location?.capturedAt ?? null,
    photoTimes: h.photos.map((p) => p.capturedAt),
    searchText: searchTextOf([headName, h.address, ...ids].join(' ')),
    facts: {
      deprivationMask,
      ethnicMinority: h.attributes.ethnicMinority ? 1 : 0,
      meritorious: h.attributes.meritoriousFamily ? 1 : 0,
      noWorkingCapacity: h.attributes.noWorkingCapacity ? 1 : 0,
      socialProtection: h.attributes.socialProtection ? 1 : 0,
      farming: h.farming ? 1 : 0,
      causes: [...h.causes].sort().join(','),
      memberCount: h.members.length,
    },
  }
}

/** Roots that neither the summary columns, the report facts, the visit flags nor classify() read (checked by the summary tests in household-writer.test.ts). */
const NOT_SUMMARISED: ReadonlySet<RootName> = new Set([Root.META, Root.SUPPORT_NEEDS, Root.HISTORY, Root.REVIEW])

/**
 * Whether an update that wrote `written` (writtenKeys of its paths) can change the summary. Conservative: null (no
 * writes: deletes only; a path that does not parse) counts as touching it.
 */
export function touchesSummary(written: ReadonlyMap<RootName, unknown> | null): boolean {
  if (written === null) return true
  for (const root of written.keys()) if (!NOT_SUMMARISED.has(root)) return true
  return false
}

/**
 * The roots and keys an update writing `paths` changes (`<member id>.<key>` under members), or null when not all are
 * known (no writes: deletes only; a path that does not parse, e.g. a new entity map): then the whole document is read
 * again. An update may delete only what it also writes (inspect-update.ts checkDeletions), so the keys it writes are
 * all it changes.
 */
export function writtenKeys(paths: readonly string[]): Map<RootName, Set<string>> | null {
  if (paths.length === 0) return null
  const written = new Map<RootName, Set<string>>()
  for (const path of paths) {
    const loc = parsePath(path)
    if (loc === null) return null
    const key = loc.entity === undefined ? loc.key : `${loc.entity}.${loc.key}`
    const keys = written.get(loc.root)
    if (keys === undefined) written.set(loc.root, new Set([key]))
    else keys.add(key)
  }
  return written
}
