// Streaming reader of a population-register CSV (DOMAIN.md §5): UTF-8 (a BOM is dropped), parsed by papaparse as the
// bytes arrive, a header row of exactly the register's columns, one callback per data row with its spreadsheet line.

import Papa from 'papaparse'
import type { RegisterIssue } from './register-issues.ts'

export const REGISTER_COLUMNS = [
  'household_code',
  'personal_id',
  'full_name',
  'sex',
  'birth_date',
  'relation',
  'ethnicity',
  'unit',
  'village',
  'address',
] as const
export type RegisterColumn = (typeof REGISTER_COLUMNS)[number]
export type RawRegisterRow = Record<RegisterColumn, string>

/** The file as a whole cannot be read (too large, not UTF-8): nothing of it is used. */
export class RegisterFileError extends Error {
  constructor(
    readonly code:
      'register/too-large' | 'register/encoding' | 'register/empty' | 'register/unknown-period' | 'period/closed',
    message: string,
  ) {
    super(message)
    this.name = 'RegisterFileError'
  }
}

export interface CsvReadResult {
  /** Data rows seen (blank lines not counted). */
  rows: number
  /** Problems with the header or the shape of a row (cells are checked by the caller). */
  issues: RegisterIssue[]
  bytes: number
}

function headerIssues(header: readonly string[]): { issues: RegisterIssue[]; index: Map<RegisterColumn, number> } {
  const issues: RegisterIssue[] = []
  const index = new Map<RegisterColumn, number>()
  const known = new Set<string>(REGISTER_COLUMNS)
  header.forEach((raw, i) => {
    const name = raw.trim()
    if (!known.has(name))
      issues.push({
        line: 1,
        column: name || `#${i + 1}`,
        code: 'register/unknown-column',
        message: `unknown column "${name}"; expected ${REGISTER_COLUMNS.join(', ')}`,
      })
    else if (index.has(name as RegisterColumn))
      issues.push({
        line: 1,
        column: name,
        code: 'register/duplicate-column',
        message: `column "${name}" appears twice`,
      })
    else index.set(name as RegisterColumn, i)
  })
  for (const c of REGISTER_COLUMNS)
    if (!index.has(c))
      issues.push({ line: 1, column: c, code: 'register/missing-column', message: `missing column "${c}"` })
  return { issues, index }
}

/**
 * Reads `chunks` as a register CSV, calling `onRow` for every data row (line = the row's number as a spreadsheet shows
 * it, the header being line 1). Throws RegisterFileError when the file is above `maxBytes` or not UTF-8.
 */
export async function readRegisterCsv(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
  onRow: (row: RawRegisterRow, line: number) => void,
): Promise<CsvReadResult> {
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { header: false }) as NodeJS.ReadWriteStream
  const issues: RegisterIssue[] = []
  let line = 0
  let rows = 0
  let index: Map<RegisterColumn, number> | null = null
  let headerBad = false
  parser.on('data', (cells: string[]) => {
    line++
    if (line === 1) {
      const h = headerIssues(cells)
      issues.push(...h.issues)
      headerBad = h.issues.length > 0
      index = h.index
      return
    }
    if (cells.length === 1 && (cells[0] ?? '').trim() === '') return // a blank line
    rows++
    if (headerBad || index === null) return
    if (cells.length !== index.size) {
      issues.push({
        line,
        column: null,
        code: 'register/field-count',
        message: `${cells.length} fields; the header has ${index.size}`,
      })
      return
    }
    const cols = index
    const row = Object.fromEntries(
      REGISTER_COLUMNS.map((c) => [c, (cells[cols.get(c) ?? -1] ?? '').trim()]),
    ) as RawRegisterRow
    onRow(row, line)
  })
  const ended = new Promise<void>((resolve, reject) => {
    parser.on('end', () => resolve())
    parser.on('error', reject)
  })
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let bytes = 0
  const decode = (chunk?: Uint8Array): string => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode()
    } catch {
      throw new RegisterFileError('register/encoding', 'the file is not UTF-8 text; save it as "CSV UTF-8"')
    }
  }
  for await (const chunk of chunks) {
    bytes += chunk.length
    if (bytes > maxBytes) throw new RegisterFileError('register/too-large', `the file is above ${maxBytes} bytes`)
    const text = decode(chunk)
    if (text.length > 0 && !parser.write(text)) await new Promise((r) => parser.once('drain', r))
  }
  parser.end(decode())
  await ended
  if (line === 0) throw new RegisterFileError('register/empty', 'the file is empty')
  return { rows, issues, bytes }
}
