// Objects in heap snapshot B that are not in snapshot A (same process: node ids are stable), grouped by kind and by
// the kind of one object holding each: where per-connection memory goes. Used by connection-memory.ts.

import { readFileSync } from 'node:fs'

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } }
  nodes: number[]
  edges: number[]
  strings: string[]
}

export interface HeapGroup {
  kind: string
  heldBy: string
  count: number
  bytes: number
}

function load(file: string): Snapshot {
  return JSON.parse(readFileSync(file, 'utf8')) as Snapshot
}

/** New objects of B (ids absent from A), grouped by "type:name" and "holder type:name.edge". */
export function heapDiff(fileA: string, fileB: string): { totalBytes: number; groups: HeapGroup[] } {
  const a = load(fileA)
  const width = a.snapshot.meta.node_fields.length
  const iId = a.snapshot.meta.node_fields.indexOf('id')
  const seen = new Set<number>()
  for (let i = 0; i < a.nodes.length; i += width) seen.add(a.nodes[i + iId] as number)
  const b = load(fileB)
  const f = b.snapshot.meta.node_fields
  const [iType, iName, iSize, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map((x) => f.indexOf(x)) as [
    number,
    number,
    number,
    number,
  ]
  const types = b.snapshot.meta.node_types[0]
  const ef = b.snapshot.meta.edge_fields
  const ew = ef.length
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((x) => ef.indexOf(x)) as [number, number, number]
  const edgeTypes = b.snapshot.meta.edge_types[0]
  const kindOf = (n: number): string => {
    const type = types[b.nodes[n + iType] as number] as string
    if (type.includes('string')) return 'string'
    const name = b.strings[b.nodes[n + iName] as number] as string
    return `${type}:${name.slice(0, 50)}`
  }
  const holder = new Map<number, string>()
  let edge = 0
  for (let n = 0; n < b.nodes.length; n += width) {
    const count = b.nodes[n + iEdges] as number
    for (let k = 0; k < count; k++, edge += ew) {
      const to = b.edges[edge + eTo] as number
      if (holder.has(to)) continue
      const et = edgeTypes[b.edges[edge + eType] as number] as string
      if (et === 'weak' || et === 'shortcut') continue
      const en = b.edges[edge + eName] as number
      const label = et === 'element' || et === 'hidden' ? `[${et}]` : String(b.strings[en] ?? en)
      // Numbered slots (a table's entries) are one group, not one per index.
      holder.set(to, `${kindOf(n)}.${/^\d+$/.test(label) ? '[n]' : label.slice(0, 30)}`)
    }
  }
  const groups = new Map<string, HeapGroup>()
  let totalBytes = 0
  for (let n = 0; n < b.nodes.length; n += width) {
    if (seen.has(b.nodes[n + iId] as number)) continue
    const bytes = b.nodes[n + iSize] as number
    totalBytes += bytes
    const kind = kindOf(n)
    const heldBy = holder.get(n) ?? '(root)'
    const key = `${kind}\u0000${heldBy}`
    const g = groups.get(key) ?? { kind, heldBy, count: 0, bytes: 0 }
    g.count++
    g.bytes += bytes
    groups.set(key, g)
  }
  return { totalBytes, groups: [...groups.values()].sort((x, y) => y.bytes - x.bytes) }
}

if (process.argv[1]?.endsWith('heap-diff.ts')) {
  const [fa, fb, per] = process.argv.slice(2)
  const n = Number(per ?? '1')
  const d = heapDiff(fa as string, fb as string)
  console.log(`new objects: ${Math.round(d.totalBytes / n)} B per unit`)
  for (const g of d.groups.slice(0, 60))
    console.log(
      `${String(Math.round(g.bytes / n)).padStart(7)} B ${(g.count / n).toFixed(2).padStart(6)}×  ${g.kind}  ← ${g.heldBy}`,
    )
}
