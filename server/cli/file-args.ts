// The arguments of the CLI commands that take one FILE and an optional --data-dir (backup, restore): parsed once,
// so both answer a bad command line the same way (usage on stderr, exit 2).

import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { readConfig } from '../config.ts'

/** `{ file, dataDir }`, or null after the usage was written to stderr (the command then exits 2). */
export function parseFileArgs(args: string[], usage: string): { file: string; dataDir: string } | null {
  let parsed
  try {
    parsed = parseArgs({ args, options: { 'data-dir': { type: 'string' } }, allowPositionals: true, strict: true })
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}`)
    return null
  }
  const [file, ...extra] = parsed.positionals
  if (file === undefined || extra.length > 0) {
    process.stderr.write(usage)
    return null
  }
  return { file, dataDir: resolve(parsed.values['data-dir'] ?? readConfig(process.env).dataDir) }
}
