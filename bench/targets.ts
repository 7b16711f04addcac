// The targets rasoat reports against, each judged met / missed from a results object with the numbers
// behind the verdict; the RSS target at 300,000 households is extrapolated from W4 and W3 (said so in the row).

import type { BenchResults } from './report.ts'
import { fmt, get, stepAt } from './report.ts'
import type { W1Result } from './workloads/w1.ts'
import type { W3Result } from './workloads/w3.ts'
import type { W4Result } from './workloads/w4.ts'
import type { W7Result } from './workloads/w7.ts'

export interface Verdict {
  target: string
  measured: string
  met: boolean | null
}

export function rssEstimate(r: BenchResults): { mib: number; how: string } | null {
  const w4 = get<W4Result>(r, 'W4', 'rasoat')
  const w3 = get<W3Result>(r, 'W3', 'rasoat')
  if (!w4) return null
  // Per stored household: slope between W3's server (300 stored) and W4's (10,000 stored) at start, after GC.
  const perStoredKiB =
    w3 && w4.stored > w3.stored ? Math.max(0, (w4.startRssKiB - w3.startRssKiB) / (w4.stored - w3.stored)) : 0
  const storedKiB = w4.startRssKiB + perStoredKiB * (300_000 - w4.stored)
  const connKiB = (Math.max(0, w4.rssPerThousandIdleMiB) * 1024 * 1200) / 1000
  // Every one of the 300,000 households is held by one of the 1,200 connected phones (250 each).
  const heldKiB = Math.max(0, w4.rssPerThousandLoadedMiB) * 1024 * 300
  // Households being edited stay resident as Y.Docs in the doc store's LRU (cacheSize 2,000 by default); a resident
  // household costs about what a peer's loaded one does (W4, Hocuspocus).
  const perDocMiB = get<W4Result>(r, 'W4', 'hocuspocus')?.rssPerThousandLoadedMiB ?? 55
  const lruKiB = Math.max(0, perDocMiB) * 1024 * 2
  const mib = (storedKiB + connKiB + heldKiB + lruKiB) / 1024
  return {
    mib,
    how: `extrapolated, not a direct run: RSS at start with ${fmt(w4.stored)} stored ${fmt(w4.startRssKiB / 1024)} MiB + ${fmt(perStoredKiB, 2)} KiB × ${fmt(300_000 - w4.stored)} more stored households (W3 vs W4 start) + 1,200 connections × ${fmt(w4.rssPerThousandIdleMiB, 1)} MiB/1,000 + 300,000 held households × ${fmt(Math.max(0, w4.rssPerThousandLoadedMiB), 1)} MiB/1,000 (W4) + a full LRU of 2,000 resident Y.Docs × ${fmt(perDocMiB, 1)} MiB/1,000 (a loaded household on Hocuspocus, W4)`,
  }
}

export function verdicts(r: BenchResults): Verdict[] {
  const out: Verdict[] = []
  const w3 = get<W3Result>(r, 'W3', 'rasoat')
  const w3h = get<W3Result>(r, 'W3', 'hocuspocus')
  const w3y = get<W3Result>(r, 'W3', 'ywebsocket')
  const w1 = get<W1Result>(r, 'W1', 'rasoat')
  const w7 = get<W7Result>(r, 'W7', 'rasoat')
  const none = (target: string): Verdict => ({ target, measured: 'not measured', met: null })
  const bytes = w3 ? w3.cold.wire.bytesIn + w3.cold.wire.bytesOut : null
  out.push(
    w3 && bytes !== null
      ? {
          target: '300-household bootstrap ≤ 150 KB on the wire',
          measured: `${fmt(bytes / 1000, 1)} KB (${fmt(w3.cold.wire.bytesIn)} B in, ${fmt(w3.cold.wire.bytesOut)} B out)`,
          met: bytes <= 150_000,
        }
      : none('300-household bootstrap ≤ 150 KB on the wire'),
  )
  out.push(
    w3 && w3y
      ? {
          target: 'bootstrap ≥ 10× faster than the y-websocket server',
          measured: `${fmt(w3.cold.ms)} ms vs ${fmt(w3y.cold.ms)} ms = ${fmt(w3y.cold.ms / Math.max(1, w3.cold.ms), 2)}×`,
          met: w3y.cold.ms / Math.max(1, w3.cold.ms) >= 10,
        }
      : none('bootstrap ≥ 10× faster than the y-websocket server'),
  )
  out.push(
    w3 && w3h
      ? {
          target: 'bootstrap ≥ 3× faster than Hocuspocus',
          measured: `${fmt(w3.cold.ms)} ms vs ${fmt(w3h.cold.ms)} ms = ${fmt(w3h.cold.ms / Math.max(1, w3.cold.ms), 2)}×`,
          met: w3h.cold.ms / Math.max(1, w3.cold.ms) >= 3,
        }
      : none('bootstrap ≥ 3× faster than Hocuspocus'),
  )
  out.push(
    w3
      ? {
          target: 'reconnect with 300 unchanged households ≤ 3 frames each way',
          measured: `${w3.reconnect.wire.framesOut} out / ${w3.reconnect.wire.framesIn} in, ${fmt(w3.reconnect.wire.bytesOut + w3.reconnect.wire.bytesIn)} B, ${fmt(w3.reconnect.ms)} ms`,
          met: w3.reconnect.wire.framesOut <= 3 && w3.reconnect.wire.framesIn <= 3,
        }
      : none('reconnect with 300 unchanged households ≤ 3 frames each way'),
  )
  const s = stepAt(w1, 3200)
  const cpuStep = s && s.keptUp !== false ? s : [...(w1?.steps ?? [])].reverse().find((x) => x.keptUp !== false)
  out.push(
    cpuStep
      ? {
          target: '≤ 100 µs server CPU per durably acked edit',
          measured: `${fmt(cpuStep.serverCpuMicrosPerUpdate)} µs at ${fmt(cpuStep.rate)} edits/s (${fmt(cpuStep.marginalCpuMicrosPerUpdate)} µs above idle)${cpuStep.rate !== 3200 ? ' — the highest rate the server kept up with' : ''}`,
          met: cpuStep.serverCpuMicrosPerUpdate <= 100,
        }
      : none('≤ 100 µs server CPU per durably acked edit'),
  )
  out.push(
    s && s.keptUp !== false
      ? {
          target: 'p99 edit → other device ≤ 50 ms at 3,200 edits/s with durable acks',
          measured: `p99 ${fmt(s.other.p99, 1)} ms (ack p99 ${fmt(s.ack.p99, 1)} ms, ${fmt(s.ackedPerSecond)} acked/s)`,
          met: s.other.p99 <= 50,
        }
      : s
        ? {
            target: 'p99 edit → other device ≤ 50 ms at 3,200 edits/s with durable acks',
            measured: `saturated at 3,200/s: p99 ${fmt(s.other.p99, 1)} ms`,
            met: false,
          }
        : {
            target: 'p99 edit → other device ≤ 50 ms at 3,200 edits/s with durable acks',
            measured: w1 ? `ramp stopped before 3,200/s (max sustained ${fmt(w1.maxSustainedRate)}/s)` : 'not measured',
            met: w1 ? false : null,
          },
  )
  const est = rssEstimate(r)
  out.push(
    est
      ? {
          target: 'RSS ≤ 1 GB with 300,000 stored households and 1,200 connected devices',
          measured: `≈ ${fmt(est.mib)} MiB — ${est.how}`,
          met: est.mib <= 1024,
        }
      : none('RSS ≤ 1 GB with 300,000 stored households and 1,200 connected devices'),
  )
  out.push(
    w7
      ? {
          target: 'kill -9 during W1: 0 acked updates lost',
          measured: `${fmt(w7.ackedLost)} lost of ${fmt(w7.acked)} acked`,
          met: w7.ackedLost === 0,
        }
      : none('kill -9 during W1: 0 acked updates lost'),
  )
  for (const m of r.client?.measures ?? [])
    out.push({
      target: `${m.name} ${m.target}`,
      measured: m.value === null ? `not measured: ${m.reason ?? ''}` : `${fmt(m.value, 1)} ${m.unit}`,
      met: m.met,
    })
  return out
}

export function targetRows(r: BenchResults): string {
  const lines = ['| target | measured | verdict |', '|---|---|---|']
  for (const v of verdicts(r))
    lines.push(`| ${v.target} | ${v.measured} | ${v.met === null ? '—' : v.met ? 'met' : '**missed**'} |`)
  return lines.join('\n')
}
