// W4 — server memory: RSS at start with S stored households, per 1,000 households loaded by connected phones,
// and per 1,000 idle connections (each phone holding one shared household). Measured on the server's VmRSS.

import type { Device } from '../clients/device.ts'
import type { Corpus } from '../lib/corpus.ts'
import type { Plan } from '../lib/plan.ts'
import { mapLimit, round } from '../lib/stats.ts'
import type { SystemAdapter } from '../lib/systems.ts'
import { settledRssKiB } from '../measure/settle.ts'

export interface W4Params {
  stored: number
  loaderDevices: number
  householdsPerLoader: number
  idleConnections: number
  /** Wait after a GC before reading RSS. */
  settleMs: number
}

export interface W4Result {
  stored: number
  startRssKiB: number
  /** RSS right before the loading phones connected (after the idle phones left). */
  loadBaseRssKiB: number
  loadedPoints: { loaded: number; rssKiB: number }[]
  rssPerThousandLoadedMiB: number
  afterUnloadRssKiB: number
  idleConnections: number
  /**
   * Per 1,000 connections of phones already in sync, over both groups (one-time growth included: the second group's
   * slope alone read within GC noise, down to below zero, once a connection cost little).
   */
  rssPerThousandIdleMiB: number
  /** The second group's slope alone (after one-time growth). */
  rssPerThousandIdleSecondMiB: number
  /** The same for the first group of connections (includes one-time growth). */
  rssPerThousandIdleFirstMiB: number
  /** Per 1,000 connections of phones that were bootstrapped on connecting (household sent first). */
  rssPerThousandIdleAfterBootstrapMiB: number
  idleSockets: number
}

/** RSS after the server went quiet and ran full GCs (bench/measure/settle.ts). */
const settledRss = settledRssKiB

export async function runW4(
  sys: SystemAdapter,
  corpus: Corpus,
  p: W4Params,
  log: (s: string) => void,
): Promise<W4Result> {
  const stored = corpus.docs.slice(0, p.stored).map((d) => d.id)
  const groups = []
  for (let i = 0; i < p.loaderDevices; i++) {
    groups.push({
      name: `load${i}`,
      households: stored.slice(i * p.householdsPerLoader, (i + 1) * p.householdsPerLoader),
      devices: [`w4-load${i}`],
    })
  }
  const idleHousehold = stored[stored.length - 1] as string
  const idleNames = Array.from({ length: p.idleConnections }, (_, i) => `w4-idle${i}`)
  groups.push({ name: 'idle', households: [idleHousehold], devices: idleNames })
  const plan: Plan = { groups, stored }
  const prep = await sys.prepare('w4', corpus, plan)
  let server = await sys.start(prep)
  try {
    const startRssKiB = await settledRss(server, p.settleMs)
    log(`  ${p.stored} stored: RSS at start ${round(startRssKiB / 1024)} MiB`)
    // Idle connections first, from the fresh server's baseline (no loaded households yet to be freed meanwhile).
    // Warm: phones already in sync (they learned the household from a probe phone), as every morning after day one.
    const probe = sys.device(server, prep, idleNames[0] as string, [idleHousehold])
    await probe.connect(60_000)
    await probe.close()
    // Three equal groups: in-sync phones twice (the second group's slope excludes one-time growth of the server's
    // heap and buffer pools), then phones that bootstrap on connect.
    const third = Math.floor(idleNames.length / 3)
    const makeWarm = (names: string[]): Device[] =>
      names.map((n) => {
        const d = sys.device(server, prep, n, [idleHousehold])
        d.learnFrom(probe)
        return d
      })
    const warmA = makeWarm(idleNames.slice(0, third))
    const warmB = makeWarm(idleNames.slice(third, 2 * third))
    const base = await settledRss(server, p.settleMs)
    await mapLimit(warmA, 32, (d) => d.connect(60_000))
    const warmRssA = await settledRss(server, p.settleMs)
    await mapLimit(warmB, 32, (d) => d.connect(60_000))
    const warmRss = await settledRss(server, p.settleMs)
    const warm = [...warmA, ...warmB]
    const rssPerThousandIdleFirstMiB = round(((warmRssA - base) / 1024 / Math.max(1, warmA.length)) * 1000, 1)
    const rssPerThousandIdleSecondMiB = round(((warmRss - warmRssA) / 1024 / Math.max(1, warmB.length)) * 1000, 1)
    const rssPerThousandIdleMiB = round(((warmRss - base) / 1024 / Math.max(1, warmA.length + warmB.length)) * 1000, 1)
    log(
      `  ${warm.length} idle connections, phones in sync: RSS ${round(warmRss / 1024)} MiB, ${rssPerThousandIdleMiB} MiB per 1,000 (first ${warmA.length}: ${rssPerThousandIdleFirstMiB}, next ${warmB.length}: ${rssPerThousandIdleSecondMiB})`,
    )
    // Cold: new phones that each had the household sent to them first (bootstrap path), kept connected.
    const cold = idleNames.slice(2 * third).map((n) => sys.device(server, prep, n, [idleHousehold]))
    await mapLimit(cold, 32, (d) => d.connect(60_000))
    const coldRss = await settledRss(server, p.settleMs)
    const rssPerThousandIdleAfterBootstrapMiB = round(((coldRss - warmRss) / 1024 / Math.max(1, cold.length)) * 1000, 1)
    log(
      `  + ${cold.length} idle connections that bootstrapped first: RSS ${round(coldRss / 1024)} MiB (${rssPerThousandIdleAfterBootstrapMiB} MiB per 1,000)`,
    )
    const idle = [...warm, ...cold]
    const idleSockets = idle.reduce((s, d) => s + d.stats.sockets, 0)
    await Promise.all(idle.map((d) => d.close()))
    // A fresh server on the same data for the loading phase, so freed connection memory does not blur its slope.
    await server.stop()
    server = await sys.start(prep)
    const loadBase = await settledRss(server, p.settleMs)
    const loaders: Device[] = []
    const loadedPoints = [{ loaded: 0, rssKiB: loadBase }]
    for (let i = 0; i < p.loaderDevices; i++) {
      const g = groups[i]
      if (!g) break
      const d = sys.device(server, prep, `w4-load${i}`, g.households)
      await d.connect(120_000)
      loaders.push(d)
      if (i === p.loaderDevices - 1 || (i + 1) % Math.max(1, Math.floor(p.loaderDevices / 3)) === 0) {
        const rssKiB = await settledRss(server, p.settleMs)
        loadedPoints.push({ loaded: (i + 1) * p.householdsPerLoader, rssKiB })
        log(
          `  ${(i + 1) * p.householdsPerLoader} households loaded by ${i + 1} phones: RSS ${round(rssKiB / 1024)} MiB`,
        )
      }
    }
    // Slope from the first measured point to the last: the first phones' one-time growth (buffer pools, JIT,
    // allocator arenas) is not a per-household cost.
    const last = loadedPoints[loadedPoints.length - 1] as { loaded: number; rssKiB: number }
    const firstPt = (loadedPoints.length > 2 ? loadedPoints[1] : loadedPoints[0]) as { loaded: number; rssKiB: number }
    const rssPerThousandLoadedMiB = round(
      ((last.rssKiB - firstPt.rssKiB) / 1024 / Math.max(1, last.loaded - firstPt.loaded)) * 1000,
      1,
    )
    await Promise.all(loaders.map((d) => d.close()))
    const afterUnloadRssKiB = await settledRss(server, p.settleMs)
    log(`  phones gone: RSS ${round(afterUnloadRssKiB / 1024)} MiB`)
    return {
      stored: p.stored,
      startRssKiB,
      loadBaseRssKiB: loadBase,
      loadedPoints,
      rssPerThousandLoadedMiB,
      afterUnloadRssKiB,
      idleConnections: idle.length,
      rssPerThousandIdleMiB,
      rssPerThousandIdleSecondMiB,
      rssPerThousandIdleFirstMiB,
      rssPerThousandIdleAfterBootstrapMiB,
      idleSockets,
    }
  } finally {
    await server.stop()
  }
}
