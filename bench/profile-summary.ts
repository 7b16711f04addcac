// Reads a V8 .cpuprofile (from BENCH_CPU_PROF_DIR) and prints where a server's CPU went: self time by function and
// by file, so BENCHMARKS.md can say *why* a workload costs what it costs. Usage: tsx bench/profile-summary.ts <file>

import { readFileSync } from 'node:fs'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
}

const file = process.argv[2]
if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]')
const top = Number(process.argv[3] ?? 30)
const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile
const byId = new Map(prof.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const self = new Map<number, number>()
prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)))
const total = [...self.values()].reduce((a, b) => a + b, 0)
const here = `file://${process.cwd()}/`
const short = (url: string): string =>
  (url.startsWith(here) ? url.slice(here.length) : url).replace(/^.*node_modules\//, 'nm/')
const fnSelf = new Map<string, number>()
const fileSelf = new Map<string, number>()
const fileIncl = new Map<string, number>()
const fnIncl = new Map<string, number>()
for (const [id, t] of self) {
  const n = byId.get(id) as Node
  const key = `${n.callFrame.functionName || '(anon)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`
  fnSelf.set(key, (fnSelf.get(key) ?? 0) + t)
  const f = short(n.callFrame.url) || n.callFrame.functionName
  fileSelf.set(f, (fileSelf.get(f) ?? 0) + t)
  // inclusive by our own files: credit every distinct project file on the stack
  const seen = new Set<string>()
  const seenFn = new Set<string>()
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const cf = (byId.get(cur) as Node).callFrame
    const u = short(cf.url)
    if (u && !u.startsWith('node:') && !u.startsWith('nm/tsx')) {
      const fk = `${cf.functionName || '(anon)'} ${u}:${cf.lineNumber + 1}`
      if (!seenFn.has(fk)) {
        seenFn.add(fk)
        fnIncl.set(fk, (fnIncl.get(fk) ?? 0) + t)
      }
    }
    if (u && !u.startsWith('nm/') && !u.startsWith('node:') && !seen.has(u)) {
      seen.add(u)
      fileIncl.set(u, (fileIncl.get(u) ?? 0) + t)
    }
  }
}
const pct = (t: number): string => `${((100 * t) / total).toFixed(1).padStart(5)} %`
const print = (title: string, m: Map<string, number>): void => {
  console.log(`\n${title}`)
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${k}`)
}
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`)
print('self time by function', fnSelf)
print('self time by file', fileSelf)
print('inclusive time by project file', fileIncl)
print('inclusive time by function (project and dependencies)', fnIncl)
