// `npx tsx bench/map.ts [--commune 20000] [--city 300000] [--edits 200]`: the supervisor map's numbers on their own
// (BENCHMARKS.md "Map"); prints the results as JSON and, with --write, rewrites that section (bench/map.md).

import { cpus, loadavg } from 'node:os'
import { renderMap, writeMapSection } from './map-report.ts'
import { runMap } from './workloads/map.ts'

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

const params = { commune: arg('--commune', 20_000), city: arg('--city', 300_000), edits: arg('--edits', 200) }
console.log(
  `map bench: ${params.commune} commune documents, ${params.city} city households, ${params.edits} edits; ${cpus().length} cores, load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
)
const started = performance.now()
const result = await runMap(params, (s) => console.log(s))
console.log(JSON.stringify({ params, ...result, durationS: Math.round((performance.now() - started) / 1000) }, null, 2))
if (process.argv.includes('--write'))
  writeMapSection(renderMap(params, result, new Date().toISOString(), cpus().length))
