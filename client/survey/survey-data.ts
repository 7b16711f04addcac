// The survey's choice lists as data: quick-screen (Phiếu A) reasons, causes of poverty, support needs, photo kinds.
// Ids are stored in the household document; labels come from the dictionary (`survey.cause.<id>` …).
// Provisional: plausible categories from commune practice, not an official code list — an admin may replace them.

export const QUICK_SCREEN_REASONS = ['car', 'house', 'salary', 'business', 'assets', 'other'] as const

export const POVERTY_CAUSES = [
  'lack_capital',
  'lack_land',
  'lack_means',
  'lack_labour',
  'lack_skills',
  'no_job',
  'illness',
  'many_dependants',
  'disaster',
  'social_evils',
  'unwilling',
  'other',
] as const

export const SUPPORT_NEEDS = [
  'credit',
  'land',
  'means',
  'extension',
  'vocational',
  'job',
  'labour_export',
  'housing',
  'water',
  'toilet',
  'health_insurance',
  'education',
  'social_assistance',
  'information',
  'other',
] as const

export const PHOTO_KINDS = ['house', 'household', 'toilet', 'document', 'other'] as const

/** Common ethnic groups of Thừa Thiên Huế first (Kinh, then the A Lưới / Nam Đông groups); free text is allowed too. */
export const ETHNICITIES = [
  'Kinh',
  'Tà Ôi',
  'Cơ Tu',
  'Bru - Vân Kiều',
  'Pa Kô',
  'Hoa',
  'Mường',
  'Tày',
  'Thái',
  'Khmer',
] as const
