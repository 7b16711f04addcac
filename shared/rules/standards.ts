// The two bundled poverty standards as versioned data (DOMAIN.md §3). Everything legal lives here, nothing in code:
// an administrator-loaded JSON of the same shape (standard-types.ts) can replace or correct it.
import type { IndicatorSpec, Standard } from './standard-types.ts'

const B1_NOTE =
  'B1 cut-offs 140 rural / 175 urban come from a single unofficial source (public code analysing a poverty-software export); ' +
  'the official point tables of Circular 07/2021 must be loaded by an administrator.'

/** The 12 indicators of Decree 07/2021 (2022–2025, kept for 2026). */
const ND07_INDICATORS: IndicatorSpec[] = [
  {
    id: 'I01',
    kind: 'employment',
    dimension: { vi: 'Việc làm', en: 'Employment' },
    name: { vi: 'Việc làm', en: 'Employment' },
    ages: { minAge: 15, maxAge: 59 },
    requiresAbleToWork: true,
    deprivedEmployment: ['unemployed_seeking', 'wage_without_contract'],
    provisional: true,
    note: 'Working-age band 15–59 (inclusive, whole years) is our reading; the legal text ties it to the labour-code retirement age.',
  },
  {
    id: 'I02',
    kind: 'dependants',
    dimension: { vi: 'Việc làm', en: 'Employment' },
    name: { vi: 'Người phụ thuộc trong hộ gia đình', en: 'Dependants in the household' },
    childMaxAge: 15,
    elderlyMinAge: 60,
    elderlyRequiresAllowance: true,
    disabledRequiresAllowance: true,
    maxShare: 0.5,
    provisional: true,
    note:
      'Dependants = children under 16, plus members aged 60+ or with a disability who receive a monthly social allowance. ' +
      'Exactly 50 % is not deprived (> 50 %).',
  },
  {
    id: 'I03',
    kind: 'nutrition',
    dimension: { vi: 'Y tế', en: 'Health' },
    name: { vi: 'Dinh dưỡng', en: 'Nutrition' },
    childMaxAge: 15,
  },
  {
    id: 'I04',
    kind: 'health_insurance',
    dimension: { vi: 'Y tế', en: 'Health' },
    name: { vi: 'Bảo hiểm y tế', en: 'Health insurance' },
    minAge: 6,
    provisional: true,
    note: 'Applied to every member aged 6 or over (as Ho Chi Minh City reads it), not only children.',
  },
  {
    id: 'I05',
    kind: 'adult_education',
    dimension: { vi: 'Giáo dục', en: 'Education' },
    name: { vi: 'Trình độ giáo dục của người lớn', en: 'Adult education level' },
    exemptWhenStudying: true,
    bands: [
      {
        minAge: 16,
        maxAge: 17,
        accepted: ['lower_secondary', 'upper_secondary', 'vocational', 'college_or_higher'],
        required: { vi: 'tốt nghiệp THCS', en: 'lower-secondary completion' },
      },
      {
        minAge: 18,
        maxAge: 30,
        accepted: ['upper_secondary', 'vocational', 'college_or_higher'],
        required: {
          vi: 'tốt nghiệp THPT hoặc chứng chỉ nghề',
          en: 'upper-secondary completion or a vocational certificate',
        },
      },
    ],
    provisional: true,
    note: 'Age bands 16–17 / 18–30 and the accepted levels are our reading of the appendix; members currently studying are exempt.',
  },
  {
    id: 'I06',
    kind: 'child_schooling',
    dimension: { vi: 'Giáo dục', en: 'Education' },
    name: { vi: 'Tình trạng đi học của trẻ em', en: 'School attendance of children' },
    ages: { minAge: 3, maxAge: 15 },
  },
  {
    id: 'I07',
    kind: 'housing_quality',
    dimension: { vi: 'Nhà ở', en: 'Housing' },
    name: { vi: 'Chất lượng nhà ở', en: 'Housing quality' },
    structures: ['wall', 'column', 'roof'],
    minNonDurable: 2,
    provisional: true,
    note: 'Structures walls / columns / roof per an unofficial note; Circular 01/2022/TT-BXD names foundation, frame-walls, roof.',
  },
  {
    id: 'I08',
    kind: 'floor_area',
    dimension: { vi: 'Nhà ở', en: 'Housing' },
    name: { vi: 'Diện tích nhà ở bình quân đầu người', en: 'Floor area per person' },
    minPerMemberM2: 8,
  },
  {
    id: 'I09',
    kind: 'water',
    dimension: { vi: 'Nước sinh hoạt và vệ sinh', en: 'Water and sanitation' },
    name: { vi: 'Nguồn nước sinh hoạt', en: 'Drinking water source' },
    clean: ['piped', 'drilled_well', 'protected_dug_well', 'protected_spring', 'rainwater', 'bottled'],
    provisional: true,
    note: 'Clean-water list is our reading (piped, drilled well, protected dug well, protected spring, rainwater, bottled).',
  },
  {
    id: 'I10',
    kind: 'toilet',
    dimension: { vi: 'Nước sinh hoạt và vệ sinh', en: 'Water and sanitation' },
    name: { vi: 'Nhà tiêu hợp vệ sinh', en: 'Hygienic toilet' },
    hygienic: ['septic', 'semi_septic', 'pour_flush', 'double_vault', 'ventilated_pit'],
    provisional: true,
    note: 'Hygienic-toilet list is our reading (septic, semi-septic, pour-flush, double-vault, ventilated improved pit).',
  },
  {
    id: 'I11',
    kind: 'internet',
    dimension: { vi: 'Thông tin', en: 'Information' },
    name: { vi: 'Sử dụng dịch vụ viễn thông', en: 'Use of telecommunication services' },
  },
  {
    id: 'I12',
    kind: 'information_devices',
    dimension: { vi: 'Thông tin', en: 'Information' },
    name: { vi: 'Phương tiện phục vụ tiếp cận thông tin', en: 'Means of access to information' },
    devices: ['tv', 'radio', 'computer', 'smartphone', 'tablet'],
    provisional: true,
    note: 'Device list is our reading; a feature phone does not count.',
  },
]

const ND351_NOTE =
  'Decree 351/2025 indicator thresholds are not published here: carried over from Decree 07 as provisional.'

function carriedOver(spec: IndicatorSpec): IndicatorSpec {
  return { ...spec, provisional: true, note: spec.note ? `${ND351_NOTE} ${spec.note}` : ND351_NOTE }
}

/** Decree 351 (draft): telecom use and digital-service use are one indicator, I11; I12 is dropped; I13 is not used. */
const ND351_I11: IndicatorSpec = {
  id: 'I11',
  kind: 'internet',
  dimension: { vi: 'Thông tin', en: 'Information' },
  name: { vi: 'Sử dụng dịch vụ viễn thông, dịch vụ số', en: 'Use of telecommunication and digital services' },
  provisional: true,
  note: `${ND351_NOTE} Telecom use and digital-service use are one indicator (one fact is never counted twice): deprived when no member uses internet services.`,
}

const ND351_INDICATORS: IndicatorSpec[] = [
  ...ND07_INDICATORS.filter((s) => s.id !== 'I11' && s.id !== 'I12').map(carriedOver),
  ND351_I11,
  {
    id: 'I14',
    kind: 'waste',
    dimension: { vi: 'Nước sinh hoạt và vệ sinh', en: 'Water and sanitation' },
    name: { vi: 'Xử lý rác thải sinh hoạt', en: 'Domestic waste handling' },
    deprived: ['untreated'],
    provisional: true,
    note: 'Deprived when dwelling.waste is "untreated"; a waste answer that is not recorded is missing, not a deprivation.',
  },
]

export const ND07_2022_2025: Standard = {
  id: 'ND07_2022_2025',
  name: { vi: 'Nghị định 07/2021/NĐ-CP, giai đoạn 2022–2025', en: 'Decree 07/2021/ND-CP, 2022–2025' },
  title: { vi: 'Chuẩn nghèo đa chiều giai đoạn 2022–2025', en: 'Multidimensional poverty standard 2022–2025' },
  legalBasis: 'Nghị định 07/2021/NĐ-CP; kept for 2026 by Nghị định 351/2025/NĐ-CP',
  periods: { from: 2022, to: 2026 },
  incomeLine: { rural: 1_500_000, urban: 2_000_000 },
  averageUpper: { rural: 2_250_000, urban: 3_000_000 },
  b1Cutoff: { rural: 140, urban: 175, provisional: true, note: B1_NOTE },
  poorMinDeprivations: 3,
  referenceMonthDay: { month: 9, day: 1 },
  indicators: ND07_INDICATORS,
}

export const ND351_2027_2030: Standard = {
  id: 'ND351_2027_2030',
  name: { vi: 'Nghị định 351/2025/NĐ-CP, giai đoạn 2027–2030', en: 'Decree 351/2025/ND-CP, 2027–2030' },
  title: { vi: 'Chuẩn nghèo đa chiều giai đoạn 2027–2030', en: 'Multidimensional poverty standard 2027–2030' },
  legalBasis: 'Nghị định 351/2025/NĐ-CP',
  periods: { from: 2027, to: 2030 },
  incomeLine: { rural: 2_200_000, urban: 2_800_000 },
  averageUpper: {
    rural: 3_300_000,
    urban: 4_200_000,
    provisional: true,
    note: 'Average-living band not published: upper bound kept at 1.5 × the income line.',
  },
  b1Cutoff: { rural: 140, urban: 175, provisional: true, note: `${B1_NOTE} Not re-calibrated for the 2027 lines.` },
  poorMinDeprivations: 3,
  referenceMonthDay: { month: 9, day: 1 },
  indicators: ND351_INDICATORS,
}

/** Bundled standards, oldest first. */
export const STANDARDS: readonly Standard[] = [ND07_2022_2025, ND351_2027_2030]

export function findStandard(id: string, standards: readonly Standard[] = STANDARDS): Standard | undefined {
  return standards.find((s) => s.id === id)
}

/** The standard a review period uses (by the period's year, never the device clock); undefined when none applies. */
export function standardForPeriod(period: string, standards: readonly Standard[] = STANDARDS): Standard | undefined {
  const year = periodYear(period)
  if (year === undefined) return undefined
  return standards.find((s) => year >= s.periods.from && year <= s.periods.to)
}

/** "2025" → 2025; anything else → undefined. */
export function periodYear(period: string): number | undefined {
  return /^\d{4}$/.test(period) ? Number(period) : undefined
}
