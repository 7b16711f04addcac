// The deprivation indicators as pure functions of (indicator data, household + member ages). Each returns findings
// naming the member and field behind them; the indicator is deprived when at least one finding is not "missing".
import type { Device, Household, Member } from '../household/types.ts'
import type { HousingStructure, IndicatorKind, IndicatorSpec } from './standard-types.ts'
import { formatNumber } from './format.ts'
import { DEVICE_LABELS, TOILET_LABELS, WATER_LABELS } from './answer-labels.ts'

function deviceNames(devices: readonly Device[], lang: 'vi' | 'en'): string {
  return devices.map((d) => DEVICE_LABELS[d][lang]).join(', ')
}

export interface MemberAtDate {
  member: Member
  index: number
  /** Completed years at the reference date (negative when born after it). */
  age: number
}

export interface IndicatorContext {
  household: Household
  members: MemberAtDate[]
}

export interface Finding {
  memberId?: string
  /** JSON path of the field behind the finding, e.g. `$.members[1].healthInsurance`. */
  field: string
  vi: string
  en: string
  /** The data needed to decide is not recorded (not a deprivation; shown so the enumerator can complete it). */
  missing?: true
}

type Spec<K extends IndicatorKind> = Extract<IndicatorSpec, { kind: K }>
type Rule<K extends IndicatorKind> = (spec: Spec<K>, ctx: IndicatorContext) => Finding[]

const memberPath = (m: MemberAtDate, field: keyof Member) => `$.members[${m.index}].${field}`
const viWho = (m: MemberAtDate) => `${m.member.fullName} (${m.age} tuổi)`
const enWho = (m: MemberAtDate) => `${m.member.fullName} (age ${m.age})`
const inBand = (age: number, band: { minAge: number; maxAge: number }) => age >= band.minAge && age <= band.maxAge

const EMPLOYMENT_TEXT = {
  unemployed_seeking: { vi: 'thất nghiệp, đang tìm việc', en: 'is unemployed and seeking work' },
  wage_without_contract: {
    vi: 'làm công ăn lương không có hợp đồng lao động',
    en: 'works for wages without a labour contract',
  },
  wage_with_contract: { vi: 'làm công ăn lương có hợp đồng lao động', en: 'works for wages with a labour contract' },
  self_employed: { vi: 'tự làm', en: 'is self-employed' },
  not_working: { vi: 'không làm việc', en: 'is not working' },
} as const

const employment: Rule<'employment'> = (spec, ctx) =>
  ctx.members
    .filter((m) => inBand(m.age, spec.ages) && (!spec.requiresAbleToWork || m.member.ableToWork))
    .filter((m) => spec.deprivedEmployment.includes(m.member.employment))
    .map((m) => ({
      memberId: m.member.id,
      field: memberPath(m, 'employment'),
      vi: `${viWho(m)} có khả năng lao động, ${EMPLOYMENT_TEXT[m.member.employment].vi}`,
      en: `${enWho(m)}, able to work, ${EMPLOYMENT_TEXT[m.member.employment].en}`,
    }))

/** Who counts as a dependant under the I02 parameters (exported for explanations and tests). */
export function isDependant(spec: Spec<'dependants'>, m: MemberAtDate): boolean {
  if (m.age <= spec.childMaxAge) return true
  const allowance = m.member.monthlySocialAllowance
  if (m.age >= spec.elderlyMinAge && (allowance || !spec.elderlyRequiresAllowance)) return true
  return m.member.disability && (allowance || !spec.disabledRequiresAllowance)
}

const dependants: Rule<'dependants'> = (spec, ctx) => {
  const total = ctx.members.length
  const deps = ctx.members.filter((m) => isDependant(spec, m))
  if (total === 0 || deps.length <= spec.maxShare * total) return []
  const names = deps.map((m) => m.member.fullName).join(', ')
  const pct = formatNumber((deps.length / total) * 100, 0)
  return [
    {
      field: '$.members',
      vi: `${deps.length}/${total} thành viên là người phụ thuộc (${pct} % > ${spec.maxShare * 100} %): ${names}`,
      en: `${deps.length} of ${total} members are dependants (${pct} % > ${spec.maxShare * 100} %): ${names}`,
    },
  ]
}

const nutrition: Rule<'nutrition'> = (spec, ctx) =>
  ctx.members
    .filter((m) => m.age <= spec.childMaxAge && m.member.malnourished !== false)
    .map((m) =>
      m.member.malnourished === true
        ? {
            memberId: m.member.id,
            field: memberPath(m, 'malnourished'),
            vi: `${viWho(m)} bị suy dinh dưỡng (thấp còi hoặc nhẹ cân)`,
            en: `${enWho(m)} is stunted or underweight`,
          }
        : {
            memberId: m.member.id,
            field: memberPath(m, 'malnourished'),
            vi: `Chưa ghi tình trạng dinh dưỡng của ${viWho(m)}`,
            en: `Nutrition status of ${enWho(m)} is not recorded`,
            missing: true as const,
          },
    )

const healthInsurance: Rule<'health_insurance'> = (spec, ctx) =>
  ctx.members
    .filter((m) => m.age >= spec.minAge && !m.member.healthInsurance)
    .map((m) => ({
      memberId: m.member.id,
      field: memberPath(m, 'healthInsurance'),
      vi: `${viWho(m)} không có bảo hiểm y tế còn hiệu lực`,
      en: `${enWho(m)} has no valid health insurance`,
    }))

const adultEducation: Rule<'adult_education'> = (spec, ctx) => {
  const findings: Finding[] = []
  for (const m of ctx.members) {
    if (spec.exemptWhenStudying && m.member.studying) continue
    const band = spec.bands.find((b) => inBand(m.age, b))
    if (band === undefined || band.accepted.includes(m.member.education)) continue
    findings.push({
      memberId: m.member.id,
      field: memberPath(m, 'education'),
      vi: `${viWho(m)} không đi học và chưa đạt trình độ ${band.required.vi}`,
      en: `${enWho(m)} is not studying and lacks ${band.required.en}`,
    })
  }
  return findings
}

const childSchooling: Rule<'child_schooling'> = (spec, ctx) =>
  ctx.members
    .filter((m) => inBand(m.age, spec.ages) && m.member.schoolOnTrack !== true)
    .map((m) =>
      m.member.schoolOnTrack === false
        ? {
            memberId: m.member.id,
            field: memberPath(m, 'schoolOnTrack'),
            vi: `${viWho(m)} không đi học đúng bậc học phù hợp với độ tuổi`,
            en: `${enWho(m)} does not attend school at the level suited to the age`,
          }
        : {
            memberId: m.member.id,
            field: memberPath(m, 'schoolOnTrack'),
            vi: `Chưa ghi tình trạng đi học của ${viWho(m)}`,
            en: `School attendance of ${enWho(m)} is not recorded`,
            missing: true as const,
          },
    )

const STRUCTURE = {
  wall: { field: 'wallDurable', vi: 'tường', en: 'walls' },
  column: { field: 'columnDurable', vi: 'cột', en: 'columns' },
  roof: { field: 'roofDurable', vi: 'mái', en: 'roof' },
} as const satisfies Record<HousingStructure, { field: keyof Household['dwelling']; vi: string; en: string }>

const housingQuality: Rule<'housing_quality'> = (spec, ctx) => {
  const d = ctx.household.dwelling
  if (!d.hasDwelling) {
    return [{ field: '$.dwelling.hasDwelling', vi: 'Hộ không có nhà ở', en: 'The household has no dwelling' }]
  }
  const weak = spec.structures.filter((s) => !d[STRUCTURE[s].field])
  if (weak.length < spec.minNonDurable) return []
  const listVi = weak.map((s) => STRUCTURE[s].vi).join(', ')
  const listEn = weak.map((s) => STRUCTURE[s].en).join(', ')
  // One finding per weak structure, so each names exactly one field.
  return weak.map((s) => ({
    field: `$.dwelling.${STRUCTURE[s].field}`,
    vi: `${STRUCTURE[s].vi[0]?.toUpperCase()}${STRUCTURE[s].vi.slice(1)} nhà không bền chắc (${weak.length} kết cấu không bền chắc: ${listVi})`,
    en: `The ${STRUCTURE[s].en} ${s === 'roof' ? 'is' : 'are'} not durable (${weak.length} non-durable structures: ${listEn})`,
  }))
}

const floorArea: Rule<'floor_area'> = (spec, ctx) => {
  const n = ctx.members.length
  const area = ctx.household.dwelling.floorAreaM2
  // Compare area < min × n rather than dividing, so exactly 8 m² per person is never lost to rounding.
  if (n === 0 || area >= spec.minPerMemberM2 * n) return []
  const per = area / n
  return [
    {
      field: '$.dwelling.floorAreaM2',
      vi: `Diện tích nhà ${formatNumber(area, 1, 'vi')} m² cho ${n} người = ${formatNumber(per, 1, 'vi')} m²/người, dưới ${spec.minPerMemberM2} m²`,
      en: `Floor area ${formatNumber(area, 1)} m² for ${n} people = ${formatNumber(per, 1)} m² per person, below ${spec.minPerMemberM2} m²`,
    },
  ]
}

const water: Rule<'water'> = (spec, ctx) => {
  const source = ctx.household.dwelling.water
  if (spec.clean.includes(source)) return []
  return [
    {
      field: '$.dwelling.water',
      vi: `Nguồn nước sinh hoạt chính không hợp vệ sinh (${WATER_LABELS[source].vi})`,
      en: `Main water source is not clean (${WATER_LABELS[source].en})`,
    },
  ]
}

const toilet: Rule<'toilet'> = (spec, ctx) => {
  const t = ctx.household.dwelling.toilet
  if (spec.hygienic.includes(t)) return []
  return [
    {
      field: '$.dwelling.toilet',
      vi: `Không có nhà tiêu hợp vệ sinh (${TOILET_LABELS[t].vi})`,
      en: `No hygienic toilet (${TOILET_LABELS[t].en})`,
    },
  ]
}

const internet: Rule<'internet'> = (_spec, ctx) =>
  ctx.household.dwelling.internet
    ? []
    : [{ field: '$.dwelling.internet', vi: 'Không thành viên nào sử dụng internet', en: 'No member uses the internet' }]

const informationDevices: Rule<'information_devices'> = (spec, ctx) =>
  ctx.household.dwelling.devices.some((d) => spec.devices.includes(d))
    ? []
    : [
        {
          field: '$.dwelling.devices',
          vi: `Hộ không có phương tiện tiếp cận thông tin nào (${deviceNames(spec.devices, 'vi')})`,
          en: `The household has none of the information devices (${deviceNames(spec.devices, 'en')})`,
        },
      ]

const waste: Rule<'waste'> = (spec, ctx) => {
  const w = ctx.household.dwelling.waste
  if (w === undefined) {
    return [
      {
        field: '$.dwelling.waste',
        vi: 'Chưa ghi cách xử lý rác thải sinh hoạt',
        en: 'Domestic waste handling is not recorded',
        missing: true,
      },
    ]
  }
  if (!spec.deprived.includes(w)) return []
  return [
    {
      field: '$.dwelling.waste',
      vi: 'Rác thải sinh hoạt không được thu gom hoặc xử lý',
      en: 'Domestic waste is neither collected nor treated',
    },
  ]
}

const RULES: { [K in IndicatorKind]: Rule<K> } = {
  employment,
  dependants,
  nutrition,
  health_insurance: healthInsurance,
  adult_education: adultEducation,
  child_schooling: childSchooling,
  housing_quality: housingQuality,
  floor_area: floorArea,
  water,
  toilet,
  internet,
  information_devices: informationDevices,
  waste,
}

export function evaluateIndicator(spec: IndicatorSpec, ctx: IndicatorContext): Finding[] {
  // The cast is safe: RULES maps each kind to the rule for exactly that kind.
  return (RULES[spec.kind] as Rule<IndicatorKind>)(spec as never, ctx)
}
