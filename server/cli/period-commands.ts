// `npm run cli -- open-period | carry-period | current-period | close-period`: the review-period steps of the admin
// screen from a shell, through the same service (checks, carry-over in batches, audit as "cli"). Safe beside a running
// server: every step is its own short transaction. Prints the result as JSON; refusals exit 2 with `code: message`.

import { parseArgs } from 'node:util'
import { createAuditLog } from '../audit/audit-log.ts'
import type { CliCommand } from '../cli.ts'
import { createPeriodService, OpenPeriodInput, PeriodError, type PeriodService } from '../periods/period-service.ts'
import { createDocStore } from '../store/doc-store.ts'
import { openCliDatabase } from './database.ts'
import { CLI_ACTOR } from './import-register.ts'

const USAGE = {
  open: 'usage: open-period ID --standard S --reference-date YYYY-MM-DD [--from P] [--data-dir D]\n',
  carry: 'usage: carry-period ID [--data-dir D]\n',
  current: 'usage: current-period ID [--data-dir D]\n',
  close: 'usage: close-period ID [--data-dir D]\n',
} as const

type Parsed = { id: string; values: Record<string, string | undefined> }

function parse(args: string[], usage: string, options: readonly string[]): Parsed | null {
  try {
    const parsed = parseArgs({
      args,
      options: Object.fromEntries([...options, 'data-dir'].map((o) => [o, { type: 'string' as const }])),
      allowPositionals: true,
      strict: true,
    })
    const id = parsed.positionals[0]
    if (id !== undefined && parsed.positionals.length === 1)
      return { id, values: parsed.values as Record<string, string | undefined> }
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`)
  }
  process.stderr.write(usage)
  return null
}

/** Opens the database, runs `step` with the period service, prints its result; refusals exit 2. */
async function withService(dataDir: string | undefined, step: (s: PeriodService) => Promise<unknown>): Promise<number> {
  const { db } = openCliDatabase(dataDir)
  try {
    const service = createPeriodService({ db, docStore: createDocStore(db), audit: createAuditLog(db) })
    process.stdout.write(`${JSON.stringify(await step(service))}\n`)
    return 0
  } catch (err) {
    if (!(err instanceof PeriodError)) throw err
    process.stderr.write(`${err.code}: ${err.message}\n`)
    return 2
  } finally {
    db.close()
  }
}

export const open: CliCommand = {
  async run(args) {
    const p = parse(args, USAGE.open, ['standard', 'reference-date', 'from'])
    if (p === null) return 2
    const input = OpenPeriodInput.safeParse({
      id: p.id,
      standard: p.values.standard,
      referenceDate: p.values['reference-date'],
      ...(p.values.from !== undefined ? { from: p.values.from } : {}),
    })
    if (!input.success) {
      for (const i of input.error.issues) process.stderr.write(`${i.path.join('.')}: ${i.message}\n`)
      process.stderr.write(USAGE.open)
      return 2
    }
    return withService(p.values['data-dir'], (s) => s.open(input.data, CLI_ACTOR))
  },
}

export const carry: CliCommand = {
  async run(args) {
    const p = parse(args, USAGE.carry, [])
    return p === null ? 2 : withService(p.values['data-dir'], (s) => s.carry(p.id, CLI_ACTOR))
  },
}

export const current: CliCommand = {
  async run(args) {
    const p = parse(args, USAGE.current, [])
    return p === null ? 2 : withService(p.values['data-dir'], async (s) => ({ period: s.makeCurrent(p.id, CLI_ACTOR) }))
  },
}

export const close: CliCommand = {
  async run(args) {
    const p = parse(args, USAGE.close, [])
    return p === null ? 2 : withService(p.values['data-dir'], async (s) => ({ period: s.close(p.id, CLI_ACTOR) }))
  },
}
