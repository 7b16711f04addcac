// What an import reports about the file: errors (the import is refused as a whole) and warnings (it goes on), each
// with the spreadsheet line, the column by its header name, a stable code and a message.

export interface RegisterIssue {
  line: number
  /** Header name of the column, or null when the whole row is at fault. */
  column: string | null
  code: string
  message: string
}

/** Errors kept in a report; the count of all of them is reported too. */
export const MAX_REPORTED_ISSUES = 1000
