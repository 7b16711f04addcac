// The report's files over real HTTP: the XLSX opened with exceljs (sheets, header block, Vietnamese headers, numbers
// as numbers, rates with a percent format) and each CSV parsed back (BOM, CRLF, headers, values, quoting).
import ExcelJS from 'exceljs'
import Papa from 'papaparse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { seedReportWorld } from './report-fixture.ts'
import { tableCsv } from './report-export.ts'
import type { Report } from './report.ts'

let s: TestServer
let token = ''
const clock = Date.UTC(2025, 9, 1, 8, 30)
let json: Report

beforeAll(async () => {
  s = await startTestServer({ now: () => clock })
  seedReportWorld(s)
  await s.addUser({ username: 'admin', role: 'admin' })
  token = await s.login('admin')
  json = (await (await s.api('/api/reports?unit=19900', { token })).json()) as Report
})
afterAll(() => s.stop())

describe('GET /api/reports/export.xlsx', () => {
  it('one sheet per table with the header block, Vietnamese headers, numeric cells and percent-formatted rates', async () => {
    const res = await s.api('/api/reports/export.xlsx?unit=19900', { token })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('spreadsheetml')
    expect(res.headers.get('content-disposition')).toContain('bao-cao-2025-19900.xlsx')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(await res.arrayBuffer())
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Biểu 1 Tổng hợp',
      'Biểu 2 Diễn biến hộ nghèo',
      'Biểu 3 Diễn biến cận nghèo',
      'Biểu 4-5 Thiếu hụt hộ nghèo',
      'Biểu 6-7 Thiếu hụt cận nghèo',
      'Biểu 8 Nhóm đối tượng',
      'Biểu 10 Nguyên nhân',
      'Tiến độ rà soát',
    ])
    wb.worksheets.forEach((ws, k) => {
      const table = json.tables[k]!
      expect(ws.getCell('A1').value).toBe(table.title.vi)
      expect([ws.getCell('A2').value, ws.getCell('B2').value]).toEqual(['Kỳ rà soát', '2025'])
      expect(ws.getCell('B3').value).toBe('Nghị định 07/2021/NĐ-CP, giai đoạn 2022–2025')
      expect([ws.getCell('A4').value, ws.getCell('B4').value]).toEqual(['Địa bàn', 'Thuận An'])
      expect(ws.getCell('B5').value).toBe('Số liệu trực tiếp, tính đến 01/10/2025 15:30')
      expect((ws.getRow(7).values as unknown[]).slice(1)).toEqual(['Địa bàn', ...table.columns.map((c) => c.label.vi)])
      const rows = [...table.rows, table.total]
      rows.forEach((row, i) => {
        const x = ws.getRow(8 + i)
        expect(x.getCell(1).value).toBe(row.name)
        table.columns.forEach((c, j) => {
          const cell = x.getCell(j + 2)
          expect(cell.type, `${ws.name} ${row.name} ${c.key}`).toBe(ExcelJS.ValueType.Number)
          if (c.kind === 'rate') {
            expect(cell.value).toBeCloseTo((row.values[j] ?? 0) / 100, 10)
            expect(cell.numFmt).toBe('0.00%')
          } else expect(cell.value).toBe(row.values[j])
        })
      })
      expect(ws.getRow(8 + rows.length).getCell(1).value).toBeNull()
    })
    const totals = wb.worksheets[0]!
    expect(totals.getCell('C10').value).toBe(4) // commune total: 4 poor households
    expect(totals.getCell('D10').value).toBeCloseTo(0.3077, 10) // 4 / 13
  })

  it('a frozen period says "Số liệu đã chốt" in the header block', async () => {
    const res = await s.api('/api/reports/export.xlsx?period=2024&unit=19900', { token })
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(await res.arrayBuffer())
    expect(wb.worksheets[0]!.getCell('B5').value).toBe('Số liệu đã chốt (kỳ rà soát đóng lúc 20/12/2024 07:00)')
  })
})

describe('GET /api/reports/<table>.csv', () => {
  it('UTF-8 with a BOM, CRLF, Vietnamese headers, the same values as the JSON report', async () => {
    for (const table of json.tables) {
      const res = await s.api(`/api/reports/${table.id}.csv?unit=19900`, { token })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
      const bytes = new Uint8Array(await res.arrayBuffer())
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1)
      expect(text.endsWith('\r\n')).toBe(true)
      expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/)
      const parsed = Papa.parse<string[]>(text.trimEnd(), { delimiter: ',', newline: '\r\n' })
      expect(parsed.errors).toEqual([])
      expect(parsed.data[0]).toEqual(['Địa bàn', ...table.columns.map((c) => c.label.vi)])
      expect(parsed.data.slice(1)).toEqual(
        [...table.rows, table.total].map((r) => [r.name, ...r.values.map((v) => String(v))]),
      )
    }
  })

  it('every export is in the audit log: who, which period and area, which file', async () => {
    const res = await s.api('/api/audit?action=report-export', { token })
    const entries = ((await res.json()) as { entries: { username: string; target: string; details: unknown }[] })
      .entries
    expect(entries.length).toBe(2 + json.tables.length) // two workbooks, one CSV per table
    expect(entries).toContainEqual(
      expect.objectContaining({
        username: 'admin',
        target: '2024/19900',
        details: { format: 'xlsx', state: 'frozen' },
      }),
    )
    expect(entries).toContainEqual(
      expect.objectContaining({ target: '2025/19900', details: { format: 'csv', table: 'causes', state: 'live' } }),
    )
  })

  it('quotes fields with commas, quotes or line breaks', () => {
    const csv = tableCsv({
      id: 'totals',
      title: { vi: 't', en: 't' },
      columns: [{ key: 'n', label: { vi: 'Số hộ, "nghèo"', en: 'n' }, kind: 'count' }],
      rows: [{ area: 'x', name: 'Thôn 1\nmới', values: [3] }],
      total: { area: null, name: 'Tổng cộng', values: [3] },
    })
    expect(csv).toBe('\uFEFFĐịa bàn,"Số hộ, ""nghèo"""\r\n"Thôn 1\nmới",3\r\nTổng cộng,3\r\n')
  })
})
