// One synthetic but plausible Huế household (rasoat.household/1) from a seeded random source: a family with
// consistent ages and relations, Vietnamese names, a dwelling, income around the poverty lines, a GPS point.

import { syntheticPersonalId, syntheticUuid } from '../../shared/household/synthetic.ts'
import type {
  Device,
  Education,
  Employment,
  Household,
  Income,
  Member,
  Relation,
  Sex,
  Status,
  Toilet,
  WaterSource,
} from '../../shared/household/types.ts'
import { FAMILY_NAMES, GIVEN_NAMES, HIGHLAND_ETHNICITIES, MIDDLE_NAMES, STREETS } from './names.ts'
import type { SeedVillage } from './places.ts'

export interface GenerateContext {
  id: string
  period: string
  /** Reference date of the period (ages are computed at it). */
  referenceDate: string
  village: SeedVillage
  highland: boolean
}

const WATERS_URBAN: WaterSource[] = ['piped', 'piped', 'piped', 'piped', 'drilled_well', 'bottled']
const WATERS_RURAL: WaterSource[] = [
  'piped',
  'piped',
  'drilled_well',
  'protected_dug_well',
  'rainwater',
  'unprotected_well',
  'surface_water',
]
const TOILETS: Toilet[] = [
  'septic',
  'septic',
  'septic',
  'semi_septic',
  'pour_flush',
  'double_vault',
  'unimproved_pit',
  'none',
]
const DEVICES: Device[] = ['tv', 'radio', 'smartphone', 'feature_phone', 'computer', 'tablet']
const STATUSES: [Status, number][] = [
  ['listed', 0.45],
  ['assigned', 0.2],
  ['in_progress', 0.15],
  ['submitted', 0.1],
  ['verified', 0.06],
  ['returned', 0.04],
]

export function generateHousehold(rand: () => number, ctx: GenerateContext): Household {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
  const chance = (p: number) => rand() < p
  const year = Number(ctx.referenceDate.slice(0, 4))
  const urban = ctx.village.unitKind === 'phuong'
  const family = pick(FAMILY_NAMES)
  const minority = ctx.highland && chance(0.7)
  const ethnicity = minority ? pick(HIGHLAND_ETHNICITIES) : 'Kinh'
  const birth = (birthYear: number) => {
    // Born before the reference date: months 1–8 in the reference year itself.
    const maxMonth = birthYear >= year ? 8 : 12
    return `${birthYear}-${String(1 + Math.floor(rand() * maxMonth)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`
  }
  const name = (sex: Sex, surname: string) => `${surname} ${pick(MIDDLE_NAMES[sex])} ${pick(GIVEN_NAMES[sex])}`

  const member = (relation: Relation, sex: Sex, birthYear: number, surname: string): Member => {
    const age = year - birthYear
    const birthDate = birth(birthYear)
    const adult = age >= 15
    const education: Education =
      age < 6
        ? 'none'
        : age < 11
          ? 'primary'
          : age < 15
            ? 'lower_secondary'
            : pick([
                'none',
                'primary',
                'lower_secondary',
                'lower_secondary',
                'upper_secondary',
                'upper_secondary',
                'vocational',
                'college_or_higher',
              ])
    const employment: Employment =
      !adult || age >= 70
        ? 'not_working'
        : pick([
            'wage_with_contract',
            'wage_with_contract',
            'wage_without_contract',
            'self_employed',
            'self_employed',
            'self_employed',
            'unemployed_seeking',
            'not_working',
          ])
    return {
      id: syntheticUuid(rand),
      personalId: chance(0.92) ? syntheticPersonalId(sex, birthDate, rand) : null,
      fullName: name(sex, surname),
      sex,
      birthDate,
      relation,
      ethnicity,
      ableToWork: adult && age < 60 && chance(0.92),
      employment,
      disability: chance(0.04),
      monthlySocialAllowance: age >= 80 || (age >= 60 && chance(0.3)) || chance(0.02),
      healthInsurance: chance(0.92),
      studying: age >= 3 && age <= 22 ? chance(age <= 15 ? 0.95 : 0.5) : false,
      education,
      schoolOnTrack: age >= 3 && age <= 15 ? chance(0.92) : null,
      malnourished: age < 16 ? chance(0.06) : null,
    }
  }

  const headSex: Sex = chance(0.72) ? 'male' : 'female'
  const headYear = year - 24 - Math.floor(rand() * 56)
  const members: Member[] = [member('head', headSex, headYear, family)]
  const spouseSex: Sex = headSex === 'male' ? 'female' : 'male'
  if (year - headYear < 75 ? chance(0.82) : chance(0.4)) {
    members.push(member('spouse', spouseSex, headYear + Math.floor(rand() * 7) - 2, pick(FAMILY_NAMES)))
  }
  const childSurname = headSex === 'male' ? family : pick(FAMILY_NAMES)
  const children = year - headYear > 65 ? Math.floor(rand() * 2) : Math.floor(rand() * 4)
  for (let i = 0; i < children; i++) {
    const childYear = Math.min(year, headYear + 20 + Math.floor(rand() * 22))
    members.push(member('child', chance(0.5) ? 'male' : 'female', childYear, childSurname))
  }
  if (year - headYear < 50 && chance(0.25)) {
    members.push(
      member(
        'parent',
        chance(0.5) ? 'male' : 'female',
        headYear - 22 - Math.floor(rand() * 10),
        headSex === 'male' ? family : pick(FAMILY_NAMES),
      ),
    )
  }
  if (year - headYear > 55 && chance(0.2)) {
    members.push(
      member(
        'grandchild',
        chance(0.5) ? 'male' : 'female',
        Math.min(year, headYear + 45 + Math.floor(rand() * 15)),
        childSurname,
      ),
    )
  }

  // Per-capita income around the ND07 lines (urban 2.0 M, rural 1.5 M VND/month): ~12% below, ~10% just above.
  const line = urban ? 2_000_000 : 1_500_000
  const r = rand()
  const perCapita =
    r < 0.12 ? line * (0.4 + rand() * 0.6) : r < 0.22 ? line * (1 + rand() * 0.5) : line * (1.5 + rand() * 3.5)
  const income: Income = chance(0.92) ? { perCapitaMonthly: Math.round(perCapita / 10_000) * 10_000 } : {}
  const poorish = r < 0.22
  const statusRoll = rand()
  let acc = 0
  const status = STATUSES.find(([, p]) => (acc += p) > statusRoll)?.[0] ?? 'listed'
  const located = status !== 'listed' || chance(0.5)
  const v = ctx.village

  return {
    format: 'rasoat.household/1',
    id: ctx.id,
    period: ctx.period,
    unit: v.unitCode,
    areaType: urban ? 'urban' : 'rural',
    village: v.id,
    address: urban
      ? `${1 + Math.floor(rand() * 240)} ${pick(STREETS)}, ${v.name}`
      : `Xóm ${1 + Math.floor(rand() * 6)}, ${v.name}`,
    location: located
      ? {
          lat: round6(v.lat + (rand() - 0.5) * 0.006),
          lng: round6(v.lng + (rand() - 0.5) * 0.006),
          accuracyM: Math.round(3 + rand() * (chance(0.9) ? 17 : 120)),
          capturedAt: `${year}-10-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}T0${1 + Math.floor(rand() * 8)}:${String(Math.floor(rand() * 60)).padStart(2, '0')}:00Z`,
        }
      : null,
    farming: urban ? chance(0.08) : chance(0.55),
    income,
    members,
    dwelling: {
      hasDwelling: chance(0.985),
      wallDurable: chance(poorish ? 0.6 : 0.93),
      columnDurable: chance(poorish ? 0.65 : 0.95),
      roofDurable: chance(poorish ? 0.55 : 0.92),
      floorAreaM2: Math.round((poorish ? 12 : 30) + rand() * 100),
      water: pick(urban ? WATERS_URBAN : WATERS_RURAL),
      toilet: pick(poorish ? TOILETS.slice(2) : TOILETS),
      internet: chance(urban ? 0.85 : 0.6),
      devices: DEVICES.filter(() => chance(0.45)),
    },
    attributes: {
      ethnicMinority: minority,
      meritoriousFamily: chance(0.04),
      socialProtection: chance(0.08),
      noWorkingCapacity: !members.some((m) => m.ableToWork),
    },
    causes: [],
    supportNeeds: [],
    status,
    photos: [],
  }
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6
}
