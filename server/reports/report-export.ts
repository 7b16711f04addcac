// A report as files people open in Excel: XLSX (streamed, one sheet per table, a header block naming the period, the
// standard, the area and the time of the data; numbers as numbers, rates with a percent format) and CSV per table.

import type { Writable } from 'node:stream'
import ExcelJS from 'exceljs'
import type { Report } from './report.ts'
import type { ReportTable, TableId } from './report-tables.ts'

const SHEET_NAMES: Record<TableId, string> = {
  totals: 'Biểu 1 Tổng hợp',
  'poor-movement': 'Biểu 2 Diễn biến hộ nghèo',
  'near-poor-movement': 'Biểu 3 Diễn biến cận nghèo',
  'poor-deprivations': 'Biểu 4-5 Thiếu hụt hộ nghèo',
  'near-poor-deprivations': 'Biểu 6-7 Thiếu hụt cận nghèo',
  groups: 'Biểu 8 Nhóm đối tượng',
  causes: 'Biểu 10 Nguyên nhân',
  progress: 'Tiến độ rà soát',
}

/** Vietnam time (UTC+7, no daylight saving), dd/mm/yyyy hh:mm. */
export function vietnamTime(ms: number): string {
  const d = new Date(ms + 7 * 3600_000).toISOString()
  return `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)} ${d.slice(11, 16)}`
}

/** "Số liệu đã chốt …" or "Số liệu trực tiếp, tính đến …": what the header block says about the data's time. */
export function dataState(r: Report): string {
  if (r.state === 'frozen')
    return `Số liệu đã chốt${r.closedAt !== null ? ` (kỳ rà soát đóng lúc ${vietnamTime(r.closedAt)})` : ''}`
  return r.lastCommitAt === null
    ? 'Số liệu trực tiếp, chưa có hồ sơ nào được ghi nhận'
    : `Số liệu trực tiếp, tính đến ${vietnamTime(r.lastCommitAt)}`
}

export const AREA_HEADER = 'Địa bàn'

/** Streams the workbook into `out` (ends it). */
export async function writeXlsx(r: Report, out: Writable): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false })
  wb.creator = 'rasoat'
  for (const t of r.tables) {
    const ws = wb.addWorksheet(SHEET_NAMES[t.id as TableId] ?? t.id.slice(0, 31))
    ws.columns = [{ width: 28 }, ...t.columns.map(() => ({ width: 16 }))]
    const block: [string, string][] = [
      ['Kỳ rà soát', r.period],
      ['Chuẩn nghèo', r.standard.name.vi],
      [AREA_HEADER, r.area.label],
      ['Thời điểm số liệu', dataState(r)],
    ]
    ws.addRow([t.title.vi]).font = { bold: true, size: 13 }
    for (const line of block) ws.addRow(line).commit()
    ws.addRow([]).commit()
    const head = ws.addRow([AREA_HEADER, ...t.columns.map((c) => c.label.vi)])
    head.font = { bold: true }
    head.alignment = { wrapText: true, vertical: 'top' }
    head.commit()
    for (const row of [...t.rows, t.total]) {
      const x = ws.addRow([row.name, ...t.columns.map((c, i) => cell(c.kind, row.values[i] ?? 0))])
      t.columns.forEach((c, i) => {
        if (c.kind === 'rate') x.getCell(i + 2).numFmt = '0.00%'
      })
      if (row.area === null) x.font = { bold: true }
      x.commit()
    }
    ws.commit()
  }
  await wb.commit()
}

/** A rate of 12.35 (%) is stored as 0.1235 so Excel's percent format shows 12.35%. */
const cell = (kind: 'count' | 'rate', v: number): number => (kind === 'rate' ? Math.round(v * 100) / 10_000 : v)

function csvField(v: string | number): string {
  const s = String(v)
  return /[",\r\n;]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s
}

/** One table as CSV: UTF-8 with a BOM (Excel then reads Vietnamese right), CRLF line ends, quoted where needed. */
export function tableCsv(t: ReportTable): string {
  const lines = [[AREA_HEADER, ...t.columns.map((c) => c.label.vi)]]
  for (const row of [...t.rows, t.total]) lines.push([row.name, ...row.values.map((v) => String(v))])
  return '\uFEFF' + lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n'
}

/** An ASCII file name for the report: bao-cao-2025-19900[-village][-table].ext */
export function fileName(r: Report, ext: string, table?: string): string {
  const parts = ['bao-cao', r.period, r.area.unit ?? 'thanh-pho', r.area.village, table].filter(
    (p): p is string => typeof p === 'string',
  )
  return `${parts.map((p) => p.replace(/[^A-Za-z0-9_-]/g, '_')).join('-')}.${ext}`
}
