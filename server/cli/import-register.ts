// `npm run cli -- import-register FILE.csv --period P [--dry-run] [--data-dir D]`: the register import of the admin
// screen from a shell (run it with the server stopped, or use the screen: proposals are written to the database here).
// Prints the report as JSON; on errors exits 2 and prints `line:column: message` lines on stderr.

import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import { createAuditLog } from '../audit/audit-log.ts'
import { RegisterFileError } from '../register/register-csv.ts'
import { importRegister } from '../register/register-import.ts'
import { REGISTER_MAX_BYTES } from '../register/register-routes.ts'
import { createDocStore } from '../store/doc-store.ts'
import { createHouseholdWriter } from '../store/household-writer.ts'
import { openCliDatabase } from './database.ts'

const USAGE = 'usage: import-register FILE.csv --period P [--dry-run] [--data-dir D]\n'
/** Who register imports from the command line are attributed to. */
export const CLI_ACTOR = { id: 'cli', username: 'cli' }

export async function run(args: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      options: { period: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'data-dir': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    })
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`)
    return 2
  }
  const file = parsed.positionals[0]
  const period = parsed.values.period
  if (file === undefined || parsed.positionals.length !== 1 || period === undefined) {
    process.stderr.write(USAGE)
    return 2
  }
  const { db } = openCliDatabase(parsed.values['data-dir'])
  const docStore = createDocStore(db)
  const writer = createHouseholdWriter(db, docStore)
  try {
    const report = await importRegister({ db, docStore, writer, audit: createAuditLog(db) }, createReadStream(file), {
      period,
      actor: CLI_ACTOR,
      dryRun: parsed.values['dry-run'] === true,
      fileName: basename(file),
      maxBytes: REGISTER_MAX_BYTES,
    })
    process.stdout.write(`${JSON.stringify(report)}\n`)
    for (const w of report.warnings) process.stderr.write(`${w.line}:${w.column ?? ''}: warning: ${w.message}\n`)
    for (const e of report.errors) process.stderr.write(`${e.line}:${e.column ?? ''}: ${e.message}\n`)
    return report.ok ? 0 : 2
  } catch (err) {
    if (err instanceof RegisterFileError) {
      process.stderr.write(`${err.code}: ${err.message}\n`)
      return 2
    }
    throw err
  } finally {
    await writer.close()
    db.close()
  }
}
