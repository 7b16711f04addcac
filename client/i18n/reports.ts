// The report screen's words (vi first, en too), kept in the screen's own chunk: ReportsView merges them into the
// shell's dictionaries when it loads. Table titles and column headers come with the report itself (server data).

export const vi: Record<string, string> = {
  'reports.period': 'Kỳ rà soát',
  'reports.area': 'Địa bàn',
  'reports.city': 'Toàn thành phố',
  'reports.village.all': 'Cả phường/xã',
  'reports.live': 'Số liệu trực tiếp, tính đến {time}',
  'reports.live.empty': 'Số liệu trực tiếp — chưa có hồ sơ nào được ghi nhận',
  'reports.frozen': 'Số liệu đã chốt',
  'reports.recomputing': 'Đang tính lại số liệu của các hồ sơ cũ — số liệu chưa đầy đủ',
  'reports.frozen.at': 'Số liệu đã chốt (kỳ rà soát đóng lúc {time})',
  'reports.standard': 'Chuẩn nghèo: {name}',
  'reports.export.xlsx': 'Tải Excel (.xlsx)',
  'reports.export.csv': 'Tải CSV',
  'reports.chart.title': 'Tỷ lệ hộ nghèo, cận nghèo theo địa bàn (%)',
  'reports.chart.poor': 'Tỷ lệ hộ nghèo (%)',
  'reports.chart.nearPoor': 'Tỷ lệ hộ cận nghèo (%)',
  'reports.col.area': 'Địa bàn',
  'reports.total': 'Tổng cộng',
}

export const en: Record<string, string> = {
  'reports.period': 'Review period',
  'reports.area': 'Area',
  'reports.city': 'Whole city',
  'reports.village.all': 'Whole commune',
  'reports.live': 'Live figures as of {time}',
  'reports.live.empty': 'Live figures — no record committed yet',
  'reports.frozen': 'Figures frozen (period closed)',
  'reports.recomputing': 'Recomputing the figures of older records — not complete yet',
  'reports.frozen.at': 'Figures frozen (period closed at {time})',
  'reports.standard': 'Standard: {name}',
  'reports.export.xlsx': 'Download Excel (.xlsx)',
  'reports.export.csv': 'Download CSV',
  'reports.chart.title': 'Poverty and near-poverty rates by area (%)',
  'reports.chart.poor': 'Poverty rate (%)',
  'reports.chart.nearPoor': 'Near-poverty rate (%)',
  'reports.col.area': 'Area',
  'reports.total': 'Total',
}
