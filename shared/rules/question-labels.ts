// The questions of the household form and their coded answers in words (Vietnamese and English), for the places that
// name a field outside the form itself: the conflict queue, the phone's conflict notice, the server's API answers.
// The survey form's own dictionary (client/i18n/survey.ts) uses the same words; a test keeps the two in step.
import type { Label } from './answer-labels.ts'

export const MEMBER_QUESTIONS: Record<string, Label> = {
  fullName: { vi: 'Họ và tên', en: 'Full name' },
  personalId: { vi: 'Số định danh cá nhân', en: 'Personal ID number' },
  sex: { vi: 'Giới tính', en: 'Sex' },
  birthDate: { vi: 'Ngày sinh', en: 'Birth date' },
  relation: { vi: 'Quan hệ với chủ hộ', en: 'Relation to head' },
  ethnicity: { vi: 'Dân tộc', en: 'Ethnicity' },
  ableToWork: { vi: 'Có khả năng lao động', en: 'Able to work' },
  employment: { vi: 'Việc làm', en: 'Employment' },
  disability: { vi: 'Người khuyết tật', en: 'Has a disability' },
  monthlySocialAllowance: { vi: 'Hưởng trợ cấp xã hội hằng tháng', en: 'Receives a monthly social allowance' },
  healthInsurance: { vi: 'Có thẻ bảo hiểm y tế còn hạn', en: 'Has valid health insurance' },
  studying: { vi: 'Đang đi học', en: 'Currently studying' },
  education: { vi: 'Trình độ học vấn', en: 'Education' },
  schoolOnTrack: { vi: 'Đi học đúng cấp theo độ tuổi', en: 'At the school level suited to the age' },
  malnourished: { vi: 'Suy dinh dưỡng (thấp còi hoặc nhẹ cân)', en: 'Malnourished (stunted or underweight)' },
}
export const DWELLING_QUESTIONS: Record<string, Label> = {
  hasDwelling: { vi: 'Hộ có nhà ở', en: 'Household has a dwelling' },
  wallDurable: { vi: 'Tường bền chắc', en: 'Walls durable' },
  columnDurable: { vi: 'Cột/khung bền chắc', en: 'Columns/frame durable' },
  roofDurable: { vi: 'Mái bền chắc', en: 'Roof durable' },
  floorAreaM2: { vi: 'Diện tích sàn (m²)', en: 'Floor area (m²)' },
  water: { vi: 'Nguồn nước sinh hoạt chính', en: 'Main drinking-water source' },
  toilet: { vi: 'Loại nhà tiêu', en: 'Toilet type' },
  internet: {
    vi: 'Có thành viên sử dụng Internet (di động hoặc cố định)',
    en: 'A member uses the internet (mobile or fixed)',
  },
  devices: { vi: 'Phương tiện tiếp cận thông tin', en: 'Information devices' },
  waste: { vi: 'Xử lý rác thải sinh hoạt', en: 'Household waste handling' },
}
export const ATTRIBUTE_QUESTIONS: Record<string, Label> = {
  ethnicMinority: { vi: 'Hộ dân tộc thiểu số', en: 'Ethnic minority household' },
  meritoriousFamily: { vi: 'Hộ có công với cách mạng', en: 'Family of revolutionary merit' },
  socialProtection: { vi: 'Hộ thuộc diện bảo trợ xã hội', en: 'Under social protection' },
  noWorkingCapacity: { vi: 'Hộ không có khả năng lao động', en: 'No member able to work' },
}
export const INCOME_QUESTIONS: Record<string, Label> = {
  perCapitaMonthly: { vi: 'Thu nhập bình quân (đồng/người/tháng)', en: 'Income (VND per person per month)' },
  b1Score: { vi: 'Tổng điểm B1', en: 'B1 total score' },
}
export const SEX_LABELS: Record<string, Label> = {
  male: { vi: 'Nam', en: 'Male' },
  female: { vi: 'Nữ', en: 'Female' },
}
export const RELATION_LABELS: Record<string, Label> = {
  head: { vi: 'Chủ hộ', en: 'Head' },
  spouse: { vi: 'Vợ/chồng', en: 'Spouse' },
  child: { vi: 'Con', en: 'Child' },
  parent: { vi: 'Bố/mẹ', en: 'Parent' },
  grandchild: { vi: 'Cháu', en: 'Grandchild' },
  sibling: { vi: 'Anh/chị/em', en: 'Sibling' },
  other: { vi: 'Khác', en: 'Other' },
}
export const EMPLOYMENT_LABELS: Record<string, Label> = {
  wage_with_contract: { vi: 'Làm công ăn lương có hợp đồng', en: 'Wage work with a contract' },
  wage_without_contract: { vi: 'Làm công ăn lương không có hợp đồng', en: 'Wage work without a contract' },
  self_employed: { vi: 'Tự làm (nông nghiệp, buôn bán…)', en: 'Self-employed (farming, trade…)' },
  unemployed_seeking: { vi: 'Thất nghiệp, đang tìm việc', en: 'Unemployed, seeking work' },
  not_working: { vi: 'Không làm việc', en: 'Not working' },
}
export const EDUCATION_LABELS: Record<string, Label> = {
  none: { vi: 'Chưa đi học / không có bằng', en: 'None' },
  primary: { vi: 'Tiểu học', en: 'Primary' },
  lower_secondary: { vi: 'Trung học cơ sở', en: 'Lower secondary' },
  upper_secondary: { vi: 'Trung học phổ thông', en: 'Upper secondary' },
  vocational: { vi: 'Chứng chỉ nghề / trung cấp', en: 'Vocational certificate' },
  college_or_higher: { vi: 'Cao đẳng trở lên', en: 'College or higher' },
}
export const CAUSE_LABELS: Record<string, Label> = {
  lack_capital: { vi: 'Thiếu vốn sản xuất, kinh doanh', en: 'Lacks capital for production or business' },
  lack_land: { vi: 'Thiếu đất canh tác', en: 'Lacks farmland' },
  lack_means: { vi: 'Thiếu phương tiện sản xuất', en: 'Lacks means of production' },
  lack_labour: { vi: 'Thiếu lao động', en: 'Lacks labour' },
  lack_skills: { vi: 'Không có kỹ năng lao động, sản xuất', en: 'Lacks work or production skills' },
  no_job: { vi: 'Có lao động nhưng không có việc làm', en: 'Has workers but no jobs' },
  illness: { vi: 'Có người ốm đau, bệnh nặng, tai nạn', en: 'Serious illness or accident' },
  many_dependants: { vi: 'Đông người ăn theo', en: 'Many dependants' },
  disaster: { vi: 'Thiên tai, dịch bệnh, rủi ro', en: 'Natural disaster, epidemic, other shocks' },
  social_evils: { vi: 'Mắc tệ nạn xã hội', en: 'Social evils (addiction, gambling…)' },
  unwilling: { vi: 'Chưa có ý chí vươn lên', en: 'Lacks the will to escape poverty' },
  other: { vi: 'Nguyên nhân khác', en: 'Other cause' },
}
export const SUPPORT_NEED_LABELS: Record<string, Label> = {
  credit: { vi: 'Vay vốn ưu đãi', en: 'Preferential credit' },
  land: { vi: 'Hỗ trợ đất sản xuất', en: 'Farmland' },
  means: { vi: 'Hỗ trợ phương tiện sản xuất, giống, vật nuôi', en: 'Means of production, seeds, livestock' },
  extension: { vi: 'Hướng dẫn cách làm ăn, khuyến nông', en: 'Business guidance, agricultural extension' },
  vocational: { vi: 'Học nghề', en: 'Vocational training' },
  job: { vi: 'Giới thiệu việc làm', en: 'Job placement' },
  labour_export: { vi: 'Đi làm việc ở nước ngoài theo hợp đồng', en: 'Contract work abroad' },
  housing: { vi: 'Hỗ trợ nhà ở', en: 'Housing support' },
  water: { vi: 'Hỗ trợ nước sinh hoạt', en: 'Clean water' },
  toilet: { vi: 'Hỗ trợ nhà tiêu hợp vệ sinh', en: 'Hygienic toilet' },
  health_insurance: { vi: 'Hỗ trợ bảo hiểm y tế', en: 'Health insurance' },
  education: { vi: 'Hỗ trợ học phí, chi phí học tập', en: 'School fees and costs' },
  social_assistance: { vi: 'Trợ giúp xã hội', en: 'Social assistance' },
  information: { vi: 'Hỗ trợ tiếp cận thông tin, Internet', en: 'Access to information, internet' },
  other: { vi: 'Nhu cầu khác', en: 'Other need' },
}

export const FIELD_QUESTIONS: Record<string, Label> = {
  address: { vi: 'Địa chỉ', en: 'Address' },
  village: { vi: 'Thôn, tổ dân phố', en: 'Village' },
  farming: { vi: 'Hộ làm nông, lâm, ngư, diêm nghiệp', en: 'Farming, forestry, fishery or salt household' },
  areaType: { vi: 'Khu vực', en: 'Area type' },
  referenceDate: { vi: 'Ngày mốc rà soát', en: 'Reference date' },
}

export const LOCATION_QUESTIONS: Record<string, Label> = {
  lat: { vi: 'Vĩ độ', en: 'Latitude' },
  lng: { vi: 'Kinh độ', en: 'Longitude' },
  accuracyM: { vi: 'Độ chính xác GPS', en: 'GPS accuracy' },
  capturedAt: { vi: 'Thời điểm lấy vị trí', en: 'Location time' },
}

export const AREA_TYPE_LABELS: Record<string, Label> = {
  urban: { vi: 'Thành thị', en: 'Urban' },
  rural: { vi: 'Nông thôn', en: 'Rural' },
}

export const INCOME_KIND_LABELS: Record<string, Label> = {
  perCapitaMonthly: { vi: 'Thu nhập bình quân', en: 'Per-capita income' },
  b1Score: { vi: 'Điểm Phiếu B1', en: 'Form B1 score' },
}

/** Group names of the set-like roots (one yes/no per code) and of the other document parts a conflict can touch. */
export const GROUP_LABELS: Record<string, Label> = {
  income: { vi: 'Thu nhập', en: 'Income' },
  devices: { vi: 'Phương tiện tiếp cận thông tin', en: 'Information devices' },
  causes: { vi: 'Nguyên nhân nghèo', en: 'Causes of poverty' },
  supportNeeds: { vi: 'Nhu cầu hỗ trợ', en: 'Support needs' },
  member: { vi: 'Thành viên', en: 'Member' },
  photo: { vi: 'Ảnh', en: 'Photo' },
  workflow: { vi: 'Trạng thái hồ sơ', en: 'Record status' },
  screen: { vi: 'Phiếu A', en: 'Form A' },
  proposal: { vi: 'Đề xuất từ sổ hộ tịch', en: 'Register proposal' },
}
