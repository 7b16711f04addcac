// Vietnamese and English names of the coded answers the rules talk about (water, toilet, devices, waste): one source
// for the classification's reasons and the survey form's choices, so a reason never shows a raw code.
import type { Device, Toilet, WasteHandling, WaterSource } from '../household/types.ts'

export interface Label {
  vi: string
  en: string
}

export const WATER_LABELS: Record<WaterSource, Label> = {
  piped: { vi: 'Nước máy', en: 'Piped water' },
  drilled_well: { vi: 'Giếng khoan', en: 'Drilled well' },
  protected_dug_well: { vi: 'Giếng đào được bảo vệ', en: 'Protected dug well' },
  protected_spring: { vi: 'Nước khe/mó được bảo vệ', en: 'Protected spring' },
  rainwater: { vi: 'Nước mưa', en: 'Rainwater' },
  bottled: { vi: 'Nước đóng bình/chai', en: 'Bottled water' },
  unprotected_well: { vi: 'Giếng không được bảo vệ', en: 'Unprotected well' },
  surface_water: { vi: 'Nước sông, suối, ao, hồ', en: 'River, stream, pond, lake' },
  other: { vi: 'Khác', en: 'Other' },
}

export const TOILET_LABELS: Record<Toilet, Label> = {
  septic: { vi: 'Tự hoại', en: 'Septic tank' },
  semi_septic: { vi: 'Bán tự hoại', en: 'Semi-septic' },
  pour_flush: { vi: 'Thấm dội nước', en: 'Pour-flush' },
  double_vault: { vi: 'Hai ngăn', en: 'Double vault' },
  ventilated_pit: { vi: 'Chìm có ống thông hơi', en: 'Ventilated improved pit' },
  unimproved_pit: { vi: 'Hố xí đơn giản', en: 'Simple pit' },
  none: { vi: 'Không có nhà tiêu', en: 'No toilet' },
  other: { vi: 'Khác', en: 'Other' },
}

export const DEVICE_LABELS: Record<Device, Label> = {
  tv: { vi: 'Ti vi', en: 'TV' },
  radio: { vi: 'Đài (radio)', en: 'Radio' },
  computer: { vi: 'Máy tính', en: 'Computer' },
  smartphone: { vi: 'Điện thoại thông minh', en: 'Smartphone' },
  tablet: { vi: 'Máy tính bảng', en: 'Tablet' },
  feature_phone: { vi: 'Điện thoại thường', en: 'Basic mobile phone' },
}

export const WASTE_LABELS: Record<WasteHandling, Label> = {
  collected: { vi: 'Được thu gom', en: 'Collected' },
  treated_on_site: { vi: 'Tự xử lý hợp vệ sinh', en: 'Treated hygienically on site' },
  untreated: { vi: 'Không xử lý', en: 'Not treated' },
}
