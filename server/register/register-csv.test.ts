// The register CSV reader on its own: streaming across chunk boundaries (a quoted cell with a line break split in two),
// a BOM dropped, blank lines counted as spreadsheet rows but not as data, row shape errors, size and encoding refusals.
import { describe, expect, it } from 'vitest'
import { readRegisterCsv, RegisterFileError, type RawRegisterRow } from './register-csv.ts'
import { checkRegisterRow, registerDate } from './register-rows.ts'

const HEADER = 'household_code,personal_id,full_name,sex,birth_date,relation,ethnicity,unit,village,address'
async function* chunked(text: string | Uint8Array, size: number): AsyncIterable<Uint8Array> {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size)
}
async function read(text: string | Uint8Array, size = 7, maxBytes = 1 << 20) {
  const rows: [number, RawRegisterRow][] = []
  const r = await readRegisterCsv(chunked(text, size), maxBytes, (row, line) => rows.push([line, row]))
  return { ...r, rows: rows }
}

describe('readRegisterCsv', () => {
  it('reads rows in small chunks with their spreadsheet line; a quoted address may hold a comma and a line break', async () => {
    const text =
      '\uFEFF' +
      [
        HEADER,
        'HK1,,An,nam,1980-01-01,chủ hộ,Kinh,19900,Thôn A1,"Tổ 3, kiệt 5\nLê Lợi"',
        '',
        'HK1,,Bình,nữ,1981-01-01,vợ,Kinh,19900,Thôn A1,x',
      ].join('\r\n')
    const r = await read(text)
    expect(r.issues).toEqual([])
    expect(r.rows.map(([line, row]) => [line, row.full_name, row.address])).toEqual([
      [2, 'An', 'Tổ 3, kiệt 5\nLê Lợi'],
      [4, 'Bình', 'x'],
    ])
  })

  it('names unknown, missing and repeated columns, and rows with the wrong number of fields', async () => {
    const h = await read(
      'household_code,personal_id,full_name,sex,birth_date,relation,ethnicity,unit,village,village,phone\n',
    )
    expect(h.issues.map((i) => `${i.column}:${i.code}`)).toEqual([
      'village:register/duplicate-column',
      'phone:register/unknown-column',
      'address:register/missing-column',
    ])
    const f = await read(`${HEADER}\nHK1,,An,nam\n`)
    expect(f.issues).toEqual([
      { line: 2, column: null, code: 'register/field-count', message: '4 fields; the header has 10' },
    ])
  })

  it('refuses a file above the limit, one that is not UTF-8, and an empty one', async () => {
    await expect(read(`${HEADER}\n${'x'.repeat(100)}`, 16, 64)).rejects.toMatchObject({ code: 'register/too-large' })
    await expect(read(new Uint8Array([0x68, 0xe0, 0x2c, 0x0a]))).rejects.toBeInstanceOf(RegisterFileError)
    await expect(read('')).rejects.toMatchObject({ code: 'register/empty' })
  })
})

describe('checkRegisterRow', () => {
  const raw = (over: Partial<RawRegisterRow>): RawRegisterRow => ({
    household_code: 'HK1',
    personal_id: '046080123456',
    full_name: 'Nguyễn  Văn An',
    sex: 'Nam',
    birth_date: '12/03/1980',
    relation: 'Chủ hộ',
    ethnicity: 'Kinh',
    unit: '19900',
    village: 'Thôn A1',
    address: '',
    ...over,
  })
  it('takes Vietnamese words and DD/MM/YYYY; an old CMND is a warning, a year that contradicts the ID an error', () => {
    expect(checkRegisterRow(raw({}), 2, '2026-12-04').row).toMatchObject({
      sex: 'male',
      relation: 'head',
      birthDate: '1980-03-12',
      fullName: 'Nguyễn Văn An',
    })
    const cmnd = checkRegisterRow(raw({ personal_id: '191234567' }), 3, '2026-12-04')
    expect(cmnd.row).not.toBeNull()
    expect(cmnd.warnings.map((w) => w.code)).toEqual(['personal-id/legacy-cmnd'])
    expect(checkRegisterRow(raw({ birth_date: '1981-03-12' }), 4, '2026-12-04').errors.map((e) => e.code)).toEqual([
      'personal-id/year-mismatch',
    ])
    expect(registerDate('2027-01-01', '2026-12-04')).toBeNull()
    expect(registerDate('29/02/2024', '2026-12-04')).toBe('2024-02-29')
  })
})
