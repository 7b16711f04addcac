// `classify FILE [--standard ID]`: validate and classify one household or an array of households from a JSON file.
// Results (same order) go to stdout as pretty JSON; problems and personal-ID warnings go to stderr. Invalid → exit 2.
import { readFile } from 'node:fs/promises'
import type { Household } from '../../shared/household/types.ts'
import { validateHousehold } from '../../shared/household/validate.ts'
import { ClassificationError, classify, type Classification } from '../../shared/rules/classify.ts'

const USAGE = 'usage: npm run cli -- classify FILE [--standard ID]\n'

/** Re-root a `$…` path under an array element: `$.members[0].sex` → `$[3].members[0].sex`. */
const under = (prefix: string, path: string) => prefix + path.slice(1)

export async function run(args: string[]): Promise<number> {
  let file: string | undefined
  let standardId: string | undefined
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--standard') standardId = args[++i]
    else if (a?.startsWith('--standard=')) standardId = a.slice('--standard='.length)
    else if (file === undefined && a !== undefined && !a.startsWith('--')) file = a
    else {
      process.stderr.write(`unexpected argument "${a}"\n${USAGE}`)
      return 2
    }
  }
  if (file === undefined || (args.includes('--standard') && !standardId)) {
    process.stderr.write(USAGE)
    return 2
  }

  let json: unknown
  try {
    json = JSON.parse(await readFile(file, 'utf8'))
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    process.stderr.write(`${file}: ${err instanceof SyntaxError ? 'invalid JSON' : 'cannot read'}: ${message}\n`)
    return 2
  }

  const isArray = Array.isArray(json)
  const inputs: unknown[] = Array.isArray(json) ? (json as unknown[]) : [json]
  const problems: string[] = []
  const warnings: string[] = []
  const households: Household[] = []
  inputs.forEach((input, i) => {
    const prefix = isArray ? `$[${i}]` : '$'
    const v = validateHousehold(input)
    if (!v.ok) {
      for (const e of v.errors) problems.push(`${under(prefix, e.path)}: ${e.message} (${e.code})`)
      return
    }
    for (const w of v.warnings) warnings.push(`warning: ${under(prefix, w.path)}: ${w.message} (${w.code})`)
    households.push(v.household)
  })

  const results: Classification[] = []
  if (problems.length === 0) {
    households.forEach((h, i) => {
      const prefix = isArray ? `$[${i}]` : '$'
      try {
        results.push(classify(h, standardId))
      } catch (err) {
        if (!(err instanceof ClassificationError)) throw err
        problems.push(`${under(prefix, err.path ?? '$')}: ${err.message} (${err.code})`)
      }
    })
  }

  if (warnings.length > 0) process.stderr.write(warnings.join('\n') + '\n')
  if (problems.length > 0) {
    process.stderr.write(`${file}: invalid input\n${problems.join('\n')}\n`)
    return 2
  }
  process.stdout.write(JSON.stringify(isArray ? results : results[0], null, 2) + '\n')
  return 0
}
