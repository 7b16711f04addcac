// Test-fixture builders: valid, plausible `rasoat.household/1` households for tests, docs and benchmarks.
// makeHousehold() with no seed is a fixed non-deprived urban household; with a seed it is a varied, deterministic one.
import { listUnits } from '../units/units.ts'
import type {
  Device,
  Dwelling,
  Education,
  Household,
  Income,
  Member,
  Relation,
  Sex,
  Toilet,
  WaterSource,
} from '../household/types.ts'
import { HOUSEHOLD_FORMAT } from '../household/types.ts'
import { seededRandom, syntheticPersonalId, syntheticUuid } from '../household/synthetic.ts'

export { seededRandom } from '../household/synthetic.ts'

export type HouseholdOverrides = Partial<Omit<Household, 'dwelling' | 'attributes'>> & {
  dwelling?: Partial<Dwelling>
  attributes?: Partial<Household['attributes']>
}

// Counter only so that members built without an explicit id get distinct ids; tests that compare pass ids.
let memberCounter = 0

function hashString(s: string): number {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return h >>> 0
}

export function makeMember(overrides: Partial<Member> = {}): Member {
  memberCounter += 1
  const sex = overrides.sex ?? 'male'
  const birthDate = overrides.birthDate ?? '1980-05-10'
  return {
    id: `00000000-0000-4000-8000-${String(memberCounter).padStart(12, '0')}`,
    personalId: syntheticPersonalId(
      sex,
      birthDate,
      seededRandom(hashString(`${overrides.fullName ?? ''}|${birthDate}|${sex}`)),
    ),
    fullName: 'Nguyễn Văn An',
    sex,
    birthDate,
    relation: 'head',
    ethnicity: 'Kinh',
    ableToWork: true,
    employment: 'wage_with_contract',
    disability: false,
    monthlySocialAllowance: false,
    healthInsurance: true,
    studying: false,
    education: 'upper_secondary',
    schoolOnTrack: null,
    malnourished: null,
    ...overrides,
  }
}

const BASE_DWELLING: Dwelling = {
  hasDwelling: true,
  wallDurable: true,
  columnDurable: true,
  roofDurable: true,
  floorAreaM2: 60,
  water: 'piped',
  toilet: 'septic',
  internet: true,
  devices: ['tv', 'smartphone'],
  waste: 'collected',
}

function baseMembers(): Member[] {
  return [
    makeMember({
      id: 'a0000000-0000-4000-8000-000000000001',
      fullName: 'Nguyễn Văn An',
      sex: 'male',
      birthDate: '1980-05-10',
      relation: 'head',
    }),
    makeMember({
      id: 'a0000000-0000-4000-8000-000000000002',
      fullName: 'Trần Thị Bình',
      sex: 'female',
      birthDate: '1983-08-20',
      relation: 'spouse',
      employment: 'self_employed',
    }),
    makeMember({
      id: 'a0000000-0000-4000-8000-000000000003',
      fullName: 'Nguyễn Thị Cúc',
      sex: 'female',
      birthDate: '2015-03-15',
      relation: 'child',
      ableToWork: false,
      employment: 'not_working',
      studying: true,
      education: 'primary',
      schoolOnTrack: true,
      malnourished: false,
    }),
  ]
}

/** A valid household; `overrides` replace top-level fields, `dwelling`/`attributes` are merged. */
export function makeHousehold(overrides: HouseholdOverrides = {}, seed?: number): Household {
  const base = seed === undefined ? fixedHousehold() : randomHousehold(seed)
  const { dwelling, attributes, ...rest } = overrides
  return {
    ...base,
    ...rest,
    dwelling: { ...base.dwelling, ...dwelling },
    attributes: { ...base.attributes, ...attributes },
  }
}

function fixedHousehold(): Household {
  return {
    format: HOUSEHOLD_FORMAT,
    id: '6f1c2a3e-5b7d-4c8e-9f01-23456789abcd',
    period: '2025',
    unit: '19789', // Phường Thuận Hóa (urban)
    village: 'Tổ dân phố 5',
    address: '12 Lê Lợi',
    location: null,
    farming: false,
    income: { perCapitaMonthly: 3_500_000 },
    members: baseMembers(),
    dwelling: { ...BASE_DWELLING, devices: [...BASE_DWELLING.devices] },
    attributes: { ethnicMinority: false, meritoriousFamily: false, socialProtection: false, noWorkingCapacity: false },
    causes: [],
    supportNeeds: [],
    photos: [],
  }
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Phan', 'Võ', 'Đặng', 'Bùi', 'Hồ', 'Ngô', 'Dương']
const MIDDLE = { male: ['Văn', 'Hữu', 'Đức', 'Quang', 'Minh'], female: ['Thị', 'Ngọc', 'Thu', 'Thanh'] }
const GIVEN = {
  male: ['An', 'Bảo', 'Cường', 'Dũng', 'Hùng', 'Phong', 'Sơn', 'Tuấn'],
  female: ['Hoa', 'Lan', 'Mai', 'Nga', 'Thảo', 'Yến', 'Hương'],
}
const WATERS: WaterSource[] = [
  'piped',
  'piped',
  'piped',
  'drilled_well',
  'protected_dug_well',
  'rainwater',
  'unprotected_well',
  'surface_water',
]
const TOILETS: Toilet[] = ['septic', 'septic', 'semi_septic', 'pour_flush', 'unimproved_pit', 'none']
const DEVICE_POOL: Device[] = ['tv', 'radio', 'smartphone', 'feature_phone', 'computer', 'tablet']

function randomHousehold(seed: number): Household {
  const rand = seededRandom(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
  const chance = (p: number) => rand() < p
  const period = String(2022 + Math.floor(rand() * 9)) // 2022…2030, both standards
  const year = Number(period)
  const units = listUnits()
  const unit = pick(units)
  const family = pick(FAMILY)
  const date = (y: number) =>
    `${y}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`

  const member = (relation: Relation, sex: Sex, birthYear: number): Member => {
    const age = year - birthYear
    const birthDate = date(birthYear)
    const child = age < 16
    const education: Education =
      age < 6
        ? 'none'
        : age < 11
          ? 'primary'
          : age < 15
            ? 'lower_secondary'
            : pick([
                'primary',
                'lower_secondary',
                'upper_secondary',
                'upper_secondary',
                'vocational',
                'college_or_higher',
              ])
    return {
      id: syntheticUuid(rand),
      personalId: chance(0.9) ? syntheticPersonalId(sex, birthDate, rand) : null,
      fullName: `${relation === 'spouse' ? pick(FAMILY) : family} ${pick(MIDDLE[sex])} ${pick(GIVEN[sex])}`,
      sex,
      birthDate,
      relation,
      ethnicity: unit.name.startsWith('A Lưới') && chance(0.8) ? pick(['Tà Ôi', 'Cơ Tu', 'Pa Cô']) : 'Kinh',
      ableToWork: age >= 15 && age < 60 && chance(0.9),
      employment:
        age < 15
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
            ]),
      disability: chance(0.05),
      monthlySocialAllowance: age >= 60 ? chance(0.5) : chance(0.03),
      healthInsurance: chance(0.93),
      studying: age >= 3 && age <= 22 ? chance(0.85) : false,
      education,
      schoolOnTrack: age >= 3 && age <= 15 ? chance(0.9) : null,
      malnourished: child ? chance(0.1) : null,
    }
  }

  const headSex: Sex = chance(0.75) ? 'male' : 'female'
  const headYear = year - 25 - Math.floor(rand() * 50)
  const members: Member[] = [member('head', headSex, headYear)]
  if (chance(0.8))
    members.push(member('spouse', headSex === 'male' ? 'female' : 'male', headYear + Math.floor(rand() * 7) - 2))
  const children = Math.floor(rand() * 4)
  for (let i = 0; i < children; i++) {
    members.push(
      member('child', chance(0.5) ? 'male' : 'female', Math.min(year - 1, headYear + 20 + Math.floor(rand() * 20))),
    )
  }
  if (chance(0.25))
    members.push(member('parent', chance(0.5) ? 'male' : 'female', headYear - 22 - Math.floor(rand() * 10)))

  const r = rand()
  const income: Income =
    r < 0.7
      ? { perCapitaMonthly: Math.round((800_000 + rand() * 5_200_000) / 10_000) * 10_000 }
      : r < 0.9
        ? { b1Score: Math.round(rand() * 250) }
        : {}
  const devices = DEVICE_POOL.filter(() => chance(0.4))
  return {
    format: HOUSEHOLD_FORMAT,
    id: syntheticUuid(rand),
    period,
    unit: unit.code,
    village:
      unit.kind === 'phường' ? `Tổ dân phố ${1 + Math.floor(rand() * 20)}` : `Thôn ${1 + Math.floor(rand() * 12)}`,
    address: `${1 + Math.floor(rand() * 200)} đường ${pick(['Lê Lợi', 'Hùng Vương', 'Trần Hưng Đạo', 'Nguyễn Huệ', 'Điện Biên Phủ'])}`,
    location: chance(0.6)
      ? {
          lat: 16.2 + rand() * 0.5,
          lng: 107.2 + rand() * 0.6,
          accuracyM: Math.round(5 + rand() * 60),
          capturedAt: `${period}-10-15T08:30:00Z`,
        }
      : null,
    farming: unit.kind === 'xã' ? chance(0.6) : chance(0.1),
    income,
    members,
    dwelling: {
      hasDwelling: chance(0.98),
      wallDurable: chance(0.85),
      columnDurable: chance(0.85),
      roofDurable: chance(0.8),
      floorAreaM2: Math.round(10 + rand() * 110),
      water: pick(WATERS),
      toilet: pick(TOILETS),
      internet: chance(0.75),
      devices,
      ...(year >= 2027 || chance(0.3)
        ? { waste: pick(['collected', 'collected', 'treated_on_site', 'untreated'] as const) }
        : {}),
    },
    attributes: {
      ethnicMinority: members.some((m) => m.ethnicity !== 'Kinh'),
      meritoriousFamily: chance(0.05),
      socialProtection: chance(0.1),
      noWorkingCapacity: !members.some((m) => m.ableToWork),
    },
    causes: [],
    supportNeeds: [],
    status: 'in_progress',
    photos: [],
  }
}
