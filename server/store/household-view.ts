// Reads a household document into the summary columns of the `households` table (list, search, map pins).
// STAND-IN reader for shared/doc HouseholdDoc.read() until it lands; classification goes through shared/rules classify().
import * as Y from 'yjs'
import type { Household } from '../../shared/household/types.ts'
import { classify } from '../../shared/rules/classify.ts'
import { foldForSearch } from '../../shared/text/fold.ts'
import { Root } from '../../shared/doc/keys.ts'

export interface HouseholdSummary {
  headName: string
  address: string
  status: string
  category: string
  deprivationCount: number
  lat: number | null
  lng: number | null
  accuracyM: number | null
  searchText: string
}

type Plain = Record<string, unknown>

const rootJson = (doc: Y.Doc, name: string): Plain => doc.getMap(name).toJSON() as Plain
const chosen = (set: Plain): string[] => Object.keys(set).filter((k) => set[k] === true)

/** The household as the document holds it (layout of shared/doc/keys.ts). */
export function readHousehold(doc: Y.Doc): Partial<Household> {
  const fields = rootJson(doc, Root.FIELDS)
  const income = rootJson(doc, Root.INCOME)
  const location = rootJson(doc, Root.LOCATION)
  const members = Object.entries(rootJson(doc, Root.MEMBERS))
    .filter(([, m]) => m !== null && typeof m === 'object' && (m as Plain).removed !== true)
    .map(([id, m]) => ({ id, ...(m as Plain) }) as unknown as Household['members'][number] & { position?: number })
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id.localeCompare(b.id))
  const kind = income.kind
  const h: Partial<Household> = {
    ...(fields as Partial<Household>),
    income: kind === 'perCapitaMonthly' ? { perCapitaMonthly: Number(income.perCapitaMonthly) } : kind === 'b1Score' ? { b1Score: Number(income.b1Score) } : {},
    members,
    dwelling: { ...(rootJson(doc, Root.DWELLING) as unknown as Household['dwelling']), devices: chosen(rootJson(doc, Root.DEVICES)) as Household['dwelling']['devices'] },
    attributes: rootJson(doc, Root.ATTRIBUTES) as unknown as Household['attributes'],
    location: typeof location.lat === 'number' ? (location as unknown as Household['location']) : null,
    causes: chosen(rootJson(doc, Root.CAUSES)),
    supportNeeds: chosen(rootJson(doc, Root.SUPPORT_NEEDS)),
    photos: [],
  }
  const status = doc.getMap(Root.WORKFLOW).get('status')
  if (typeof status === 'string') h.status = status as Household['status']
  return h
}

export function summarise(doc: Y.Doc): HouseholdSummary {
  const h = readHousehold(doc)
  const members = h.members ?? []
  const head = members.find((m) => m.relation === 'head') ?? members[0]
  let category = 'incomplete'
  let deprivationCount = 0
  try {
    const c = classify(h as Household)
    category = c.category
    deprivationCount = c.deprivationCount
  } catch {
    // An incomplete record does not classify; 'incomplete' is the honest summary.
  }
  const headName = typeof head?.fullName === 'string' ? head.fullName : ''
  const address = typeof h.address === 'string' ? h.address : ''
  const ids = members.map((m) => m.personalId).filter((x): x is string => typeof x === 'string')
  const loc = h.location ?? null
  return {
    headName,
    address,
    status: typeof h.status === 'string' ? h.status : 'listed',
    category,
    deprivationCount,
    lat: typeof loc?.lat === 'number' ? loc.lat : null,
    lng: typeof loc?.lng === 'number' ? loc.lng : null,
    accuracyM: typeof loc?.accuracyM === 'number' ? loc.accuracyM : null,
    searchText: foldForSearch([headName, address, ...ids].join(' ')),
  }
}
