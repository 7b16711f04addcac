// `npm run cli -- reproject [--data-dir D]`: recomputes now the report facts of records committed before they existed
// (what the server also does at start, docs/reports.md). Safe beside a running server: one short transaction per batch.
import { parseArgs } from 'node:util'
import type { CliCommand } from '../cli.ts'
import { reprojectFacts } from '../reports/fact-reprojection.ts'
import { createDocStore } from '../store/doc-store.ts'
import { openCliDatabase } from './database.ts'

const USAGE = 'usage: reproject [--data-dir D]\n'

export const reproject: CliCommand = {
  async run(args) {
    let dataDir: string | undefined
    try {
      const parsed = parseArgs({ args, options: { 'data-dir': { type: 'string' } }, strict: true })
      dataDir = parsed.values['data-dir']
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n${USAGE}`)
      return 2
    }
    const { db } = openCliDatabase(dataDir)
    try {
      const report = await reprojectFacts(db, createDocStore(db))
      process.stdout.write(`${JSON.stringify(report)}\n`)
      return 0
    } finally {
      db.close()
    }
  },
}
