// Where the relay's main thread spends its time per edit: a V8 profile of `bench/measure/relay-edits.ts`
// (MEASURE_CPU_PROF=dir) split into the stages of a durable edit, as µs per edit over the last seconds of the profile.
// Usage: npx tsx bench/profile-edits.ts <file.cpuprofile> [--seconds 10.5] [--edits 32000]

import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

interface Node {
  id: number
  callFrame: { functionName: string; url: string }
  children?: number[]
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
  endTime: number
  startTime: number
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: 'string', default: '10.5' }, edits: { type: 'string', default: '32000' } },
})
const file = positionals[0]
if (file === undefined) throw new Error('usage: tsx bench/profile-edits.ts <file.cpuprofile> [--seconds s] [--edits n]')
const edits = Number(values.edits)
const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile

/** Stages, first match wins; a sample belongs to a stage when a function of it is on the sample's stack. */
const STAGES: [string, (stack: readonly string[]) => boolean][] = [
  ['SQLite BEGIN/COMMIT (WAL writes; checkpoints, when on this thread)', (s) => s[0] === 'sqliteTransaction'],
  [
    'summary projection (read the written roots, classify)',
    (s) => s.some((f) => /^(summariseSnapshot|refreshSnapshot|readSnapshot|visitFlags)$/.test(f)),
  ],
  [
    'other statements of the commit (log row, head, field history, summary row)',
    (s) => s.includes('sqliteTransaction'),
  ],
  ['scope checks', (s) => s.includes('scopeOf') || s.includes('inScope')],
  ['update inspection (decode, layout, conflicts, workflow)', (s) => s.includes('inspectUpdate')],
  ['apply to the resident document', (s) => s.includes('applyUpdate')],
  ['garbage collection', (s) => s[0] === '(garbage collector)'],
  [
    'fan-out and send (frames, socket writes)',
    (s) => s.some((f) => /^(publish|flushOutgoing|send|committed)$/.test(f)),
  ],
  ['receive (WebSocket framing, frame decode, queueing)', (s) => s.includes('socketOnData')],
]
const OTHER = 'other (timers, HTTP, start-up leftovers)'

const byId = new Map(prof.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const from = prof.endTime - Number(values.seconds) * 1e6
const spent = new Map<string, number>()
let busy = 0
let at = prof.startTime
prof.samples.forEach((id, i) => {
  at += prof.timeDeltas[i] ?? 0
  if (at < from) return
  const dt = (prof.timeDeltas[i + 1] ?? 0) / 1000
  const stack: string[] = []
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur))
    stack.push((byId.get(cur) as Node).callFrame.functionName || '(anon)')
  if (stack[0] === '(idle)') return
  busy += dt
  const stage = STAGES.find(([, match]) => match(stack))?.[0] ?? OTHER
  spent.set(stage, (spent.get(stage) ?? 0) + dt)
})
console.log(
  `${file}: main thread busy ${busy.toFixed(0)} ms in the last ${values.seconds} s = ${((busy * 1000) / edits).toFixed(0)} µs per edit (${edits} edits)`,
)
console.log('| stage | µs per edit | share |\n|---|---:|---:|')
for (const stage of [...STAGES.map(([s]) => s), OTHER]) {
  const ms = spent.get(stage) ?? 0
  console.log(`| ${stage} | ${((ms * 1000) / edits).toFixed(1)} | ${((100 * ms) / busy).toFixed(1)} % |`)
}
