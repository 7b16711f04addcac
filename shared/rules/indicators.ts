// The deprivation indicators as pure functions of (indicator data, household + member ages). Each returns findings
// naming the member and field behind them; the indicator is deprived when at least one finding is not "missing".
// Each also answers, without building any finding, what the indicator comes to (indicatorState): the relay classifies
// on every edit and needs only that. Both answers come from the same predicates, one per rule.
import type { Device, Household, Member } from '../household/types.ts'
import type { HousingStructure, IndicatorKind, IndicatorSpec, Text } from './standard-types.ts'
import { formatNumber, NO_TEXT } from './format.ts'
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
  /** The explanation, built only when asked for (classify's `explain`). */
  text(): Text
  /** The data needed to decide is not recorded (not a deprivation; shown so the enumerator can complete it). */
  missing?: true
}

/** What an indicator comes to: deprived; only missing answers (it could still be); or neither. */
export type IndicatorState = 'deprived' | 'undetermined' | 'clear'

type Spec<K extends IndicatorKind> = Extract<IndicatorSpec, { kind: K }>

interface Rule<K extends IndicatorKind> {
  findings(spec: Spec<K>, ctx: IndicatorContext): Finding[]
  state(spec: Spec<K>, ctx: IndicatorContext): IndicatorState
}

/** What one member's answers come to under a member rule: deprived, missing, or nothing to report. */
type Verdict = 'deprived' | 'missing' | null

/**
 * A rule that looks at each member on their own: one finding per member with a verdict, naming `field`; the state
 * from the same verdicts, stopping at the first deprived member.
 */
function memberRule<K extends IndicatorKind>(
  field: keyof Member,
  verdict: (spec: Spec<K>, m: MemberAtDate) => Verdict,
  describe: (spec: Spec<K>, m: MemberAtDate, missing: boolean) => Text,
): Rule<K> {
  return {
    findings(spec, ctx) {
      const out: Finding[] = []
      for (const m of ctx.members) {
        const v = verdict(spec, m)
        if (v === null) continue
        const missing = v === 'missing'
        const f: Finding = {
          memberId: m.member.id,
          field: memberPath(m, field),
          text() {
            return describe(spec, m, missing)
          },
        }
        if (missing) f.missing = true
        out.push(f)
      }
      return out
    },
    state(spec, ctx) {
      let state: IndicatorState = 'clear'
      for (const m of ctx.members) {
        const v = verdict(spec, m)
        if (v === 'deprived') return 'deprived'
        if (v === 'missing') state = 'undetermined'
      }
      return state
    },
  }
}

/** A rule about the household as a whole: at most one kind of finding, decided by `verdict`. */
function householdRule<K extends IndicatorKind>(
  verdict: (spec: Spec<K>, ctx: IndicatorContext) => Verdict,
  findings: (spec: Spec<K>, ctx: IndicatorContext, missing: boolean) => Finding[],
): Rule<K> {
  return {
    findings(spec, ctx) {
      const v = verdict(spec, ctx)
      return v === null ? [] : findings(spec, ctx, v === 'missing')
    },
    state(spec, ctx) {
      const v = verdict(spec, ctx)
      return v === 'deprived' ? 'deprived' : v === 'missing' ? 'undetermined' : 'clear'
    },
  }
}

/** One household-level finding naming `field`, its text built by `describe` only when asked for. */
function one(field: string, describe: () => Text, missing = false): Finding[] {
  const f: Finding = {
    field,
    text() {
      return describe()
    },
  }
  if (missing) f.missing = true
  return [f]
}

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

const employment = memberRule<'employment'>(
  'employment',
  (spec, m) =>
    inBand(m.age, spec.ages) &&
    (!spec.requiresAbleToWork || m.member.ableToWork) &&
    spec.deprivedEmployment.includes(m.member.employment)
      ? 'deprived'
      : null,
  (_spec, m) => ({
    vi: `${viWho(m)} có khả năng lao động, ${EMPLOYMENT_TEXT[m.member.employment].vi}`,
    en: `${enWho(m)}, able to work, ${EMPLOYMENT_TEXT[m.member.employment].en}`,
  }),
)

/** Who counts as a dependant under the I02 parameters (exported for explanations and tests). */
export function isDependant(spec: Spec<'dependants'>, m: MemberAtDate): boolean {
  if (m.age <= spec.childMaxAge) return true
  const allowance = m.member.monthlySocialAllowance
  if (m.age >= spec.elderlyMinAge && (allowance || !spec.elderlyRequiresAllowance)) return true
  return m.member.disability && (allowance || !spec.disabledRequiresAllowance)
}

function dependantCount(spec: Spec<'dependants'>, ctx: IndicatorContext): number {
  let n = 0
  for (const m of ctx.members) if (isDependant(spec, m)) n++
  return n
}

const dependants = householdRule<'dependants'>(
  (spec, ctx) => {
    const total = ctx.members.length
    return total === 0 || dependantCount(spec, ctx) <= spec.maxShare * total ? null : 'deprived'
  },
  (spec, ctx) =>
    one('$.members', () => {
      const total = ctx.members.length
      const deps = ctx.members.filter((m) => isDependant(spec, m))
      const names = deps.map((m) => m.member.fullName).join(', ')
      const pct = formatNumber((deps.length / total) * 100, 0)
      return {
        vi: `${deps.length}/${total} thành viên là người phụ thuộc (${pct} % > ${spec.maxShare * 100} %): ${names}`,
        en: `${deps.length} of ${total} members are dependants (${pct} % > ${spec.maxShare * 100} %): ${names}`,
      }
    }),
)

/** A yes/no answer that decides: `deprivedWhen` deprives, the other answer clears, no answer is missing (never deprived). */
function answerVerdict(answer: boolean | null | undefined, deprivedWhen: boolean): Verdict {
  if (answer === deprivedWhen) return 'deprived'
  return answer === !deprivedWhen ? null : 'missing'
}

const nutrition = memberRule<'nutrition'>(
  'malnourished',
  (spec, m) => (m.age > spec.childMaxAge ? null : answerVerdict(m.member.malnourished, true)),
  (_spec, m, missing) =>
    missing
      ? { vi: `Chưa ghi tình trạng dinh dưỡng của ${viWho(m)}`, en: `Nutrition status of ${enWho(m)} is not recorded` }
      : { vi: `${viWho(m)} bị suy dinh dưỡng (thấp còi hoặc nhẹ cân)`, en: `${enWho(m)} is stunted or underweight` },
)

const healthInsurance = memberRule<'health_insurance'>(
  'healthInsurance',
  (spec, m) => (m.age >= spec.minAge && !m.member.healthInsurance ? 'deprived' : null),
  (_spec, m) => ({
    vi: `${viWho(m)} không có bảo hiểm y tế còn hiệu lực`,
    en: `${enWho(m)} has no valid health insurance`,
  }),
)

/** The I05 age band a member falls in, unless they are exempt as a student. */
function educationBand(spec: Spec<'adult_education'>, m: MemberAtDate) {
  if (spec.exemptWhenStudying && m.member.studying) return undefined
  return spec.bands.find((b) => inBand(m.age, b))
}

const adultEducation = memberRule<'adult_education'>(
  'education',
  (spec, m) => {
    const band = educationBand(spec, m)
    return band === undefined || band.accepted.includes(m.member.education) ? null : 'deprived'
  },
  (spec, m) => {
    const required = educationBand(spec, m)?.required ?? NO_TEXT
    return {
      vi: `${viWho(m)} không đi học và chưa đạt trình độ ${required.vi}`,
      en: `${enWho(m)} is not studying and lacks ${required.en}`,
    }
  },
)

const childSchooling = memberRule<'child_schooling'>(
  'schoolOnTrack',
  (spec, m) => (inBand(m.age, spec.ages) ? answerVerdict(m.member.schoolOnTrack, false) : null),
  (_spec, m, missing) =>
    missing
      ? { vi: `Chưa ghi tình trạng đi học của ${viWho(m)}`, en: `School attendance of ${enWho(m)} is not recorded` }
      : {
          vi: `${viWho(m)} không đi học đúng bậc học phù hợp với độ tuổi`,
          en: `${enWho(m)} does not attend school at the level suited to the age`,
        },
)

const STRUCTURE = {
  wall: { field: 'wallDurable', vi: 'tường', en: 'walls' },
  column: { field: 'columnDurable', vi: 'cột', en: 'columns' },
  roof: { field: 'roofDurable', vi: 'mái', en: 'roof' },
} as const satisfies Record<HousingStructure, { field: keyof Household['dwelling']; vi: string; en: string }>

const NO_DWELLING: Text = { vi: 'Hộ không có nhà ở', en: 'The household has no dwelling' }

function weakStructures(spec: Spec<'housing_quality'>, d: Household['dwelling']): HousingStructure[] {
  return spec.structures.filter((s) => !d[STRUCTURE[s].field])
}

const housingQuality = householdRule<'housing_quality'>(
  (spec, ctx) => {
    const d = ctx.household.dwelling
    return !d.hasDwelling || weakStructures(spec, d).length >= spec.minNonDurable ? 'deprived' : null
  },
  (spec, ctx) => {
    const d = ctx.household.dwelling
    if (!d.hasDwelling) return one('$.dwelling.hasDwelling', () => NO_DWELLING)
    const weak = weakStructures(spec, d)
    // One finding per weak structure, so each names exactly one field.
    return weak.map((s) => ({
      field: `$.dwelling.${STRUCTURE[s].field}`,
      text() {
        const listVi = weak.map((w) => STRUCTURE[w].vi).join(', ')
        const listEn = weak.map((w) => STRUCTURE[w].en).join(', ')
        return {
          vi: `${STRUCTURE[s].vi[0]?.toUpperCase()}${STRUCTURE[s].vi.slice(1)} nhà không bền chắc (${weak.length} kết cấu không bền chắc: ${listVi})`,
          en: `The ${STRUCTURE[s].en} ${s === 'roof' ? 'is' : 'are'} not durable (${weak.length} non-durable structures: ${listEn})`,
        }
      },
    }))
  },
)

const floorArea = householdRule<'floor_area'>(
  (spec, ctx) => {
    const n = ctx.members.length
    // Compare area < min × n rather than dividing, so exactly 8 m² per person is never lost to rounding.
    return n === 0 || ctx.household.dwelling.floorAreaM2 >= spec.minPerMemberM2 * n ? null : 'deprived'
  },
  (spec, ctx) =>
    one('$.dwelling.floorAreaM2', () => {
      const n = ctx.members.length
      const area = ctx.household.dwelling.floorAreaM2
      const per = area / n
      return {
        vi: `Diện tích nhà ${formatNumber(area, 1, 'vi')} m² cho ${n} người = ${formatNumber(per, 1, 'vi')} m²/người, dưới ${spec.minPerMemberM2} m²`,
        en: `Floor area ${formatNumber(area, 1)} m² for ${n} people = ${formatNumber(per, 1)} m² per person, below ${spec.minPerMemberM2} m²`,
      }
    }),
)

const water = householdRule<'water'>(
  (spec, ctx) => (spec.clean.includes(ctx.household.dwelling.water) ? null : 'deprived'),
  (_spec, ctx) =>
    one('$.dwelling.water', () => {
      const source = ctx.household.dwelling.water
      return {
        vi: `Nguồn nước sinh hoạt chính không hợp vệ sinh (${WATER_LABELS[source].vi})`,
        en: `Main water source is not clean (${WATER_LABELS[source].en})`,
      }
    }),
)

const toilet = householdRule<'toilet'>(
  (spec, ctx) => (spec.hygienic.includes(ctx.household.dwelling.toilet) ? null : 'deprived'),
  (_spec, ctx) =>
    one('$.dwelling.toilet', () => {
      const t = ctx.household.dwelling.toilet
      return {
        vi: `Không có nhà tiêu hợp vệ sinh (${TOILET_LABELS[t].vi})`,
        en: `No hygienic toilet (${TOILET_LABELS[t].en})`,
      }
    }),
)

const NO_INTERNET: Text = { vi: 'Không thành viên nào sử dụng internet', en: 'No member uses the internet' }

const internet = householdRule<'internet'>(
  (_spec, ctx) => (ctx.household.dwelling.internet ? null : 'deprived'),
  () => one('$.dwelling.internet', () => NO_INTERNET),
)

const informationDevices = householdRule<'information_devices'>(
  (spec, ctx) => (ctx.household.dwelling.devices.some((d) => spec.devices.includes(d)) ? null : 'deprived'),
  (spec) =>
    one('$.dwelling.devices', () => ({
      vi: `Hộ không có phương tiện tiếp cận thông tin nào (${deviceNames(spec.devices, 'vi')})`,
      en: `The household has none of the information devices (${deviceNames(spec.devices, 'en')})`,
    })),
)

const WASTE_NOT_RECORDED: Text = {
  vi: 'Chưa ghi cách xử lý rác thải sinh hoạt',
  en: 'Domestic waste handling is not recorded',
}
const WASTE_UNTREATED: Text = {
  vi: 'Rác thải sinh hoạt không được thu gom hoặc xử lý',
  en: 'Domestic waste is neither collected nor treated',
}

const waste = householdRule<'waste'>(
  (spec, ctx) => {
    const w = ctx.household.dwelling.waste
    return w === undefined ? 'missing' : spec.deprived.includes(w) ? 'deprived' : null
  },
  (_spec, _ctx, missing) => one('$.dwelling.waste', () => (missing ? WASTE_NOT_RECORDED : WASTE_UNTREATED), missing),
)

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
  return (RULES[spec.kind] as Rule<IndicatorKind>).findings(spec as never, ctx)
}

/** What evaluateIndicator's findings come to, without building them. */
export function indicatorState(spec: IndicatorSpec, ctx: IndicatorContext): IndicatorState {
  return (RULES[spec.kind] as Rule<IndicatorKind>).state(spec as never, ctx)
}
