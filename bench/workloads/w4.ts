// W4 — server memory: RSS at start with S stored households, per 1,000 households loaded by connected phones,
// and per 1,000 idle connections (each phone holding one shared household). Measured on the server's VmRSS.

import type { Device } from '../clients/device.ts'
import type { Corpus } from '../lib/corpus.ts'
import type { Plan } from '../lib/plan.ts'
import { mapLimit, round, sleep } from '../lib/stats.ts'
import type { SystemAdapter } from '../lib/systems.ts'

export interface W4Params {
  stored: number
  loaderDevices: number
  householdsPerLoader: number
  idleConnections: number
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
  rssPerThousandIdleMiB: number
  idleSockets: number
}

/** RSS after the server ran a full GC and the allocator settled. */
async function settledRss(server: { gc(): void; rssKiB(): number }): Promise<number> {
  await sleep(500)
  server.gc()
  await sleep(1000)
  return server.rssKiB()
}

export async function runW4(sys: SystemAdapter, corpus: Corpus, p: W4Params, log: (s: string) => void): Promise<W4Result> {
  const stored = corpus.docs.slice(0, p.stored).map((d) => d.id)
  const groups = []
  for (let i = 0; i < p.loaderDevices; i++) {
    groups.push({ name: `load${i}`, households: stored.slice(i * p.householdsPerLoader, (i + 1) * p.householdsPerLoader), devices: [`w4-load${i}`] })
  }
  const idleHousehold = stored[stored.length - 1] as string
  const idleNames = Array.from({ length: p.idleConnections }, (_, i) => `w4-idle${i}`)
  groups.push({ name: 'idle', households: [idleHousehold], devices: idleNames })
  const plan: Plan = { groups, stored }
  const prep = await sys.prepare('w4', corpus, plan)
  const server = await sys.start(prep)
  try {
    const startRssKiB = await settledRss(server)
    log(`  ${p.stored} stored: RSS at start ${round(startRssKiB / 1024)} MiB`)
    // Idle connections first, from the fresh server's baseline (no loaded households yet to be freed meanwhile).
    const idle = idleNames.map((n) => sys.device(server, prep, n, [idleHousehold]))
    await mapLimit(idle, 32, (d) => d.connect(60_000))
    const idleRss = await settledRss(server)
    const rssPerThousandIdleMiB = round(((idleRss - startRssKiB) / 1024 / Math.max(1, idle.length)) * 1000, 1)
    log(`  ${idle.length} idle connections: RSS ${round(idleRss / 1024)} MiB (${rssPerThousandIdleMiB} MiB per 1,000)`)
    const idleSockets = idle.reduce((s, d) => s + d.stats.sockets, 0)
    await Promise.all(idle.map((d) => d.close()))
    const loadBase = await settledRss(server)
    const loaders: Device[] = []
    const loadedPoints = [{ loaded: 0, rssKiB: loadBase }]
    for (let i = 0; i < p.loaderDevices; i++) {
      const g = groups[i]
      if (!g) break
      const d = sys.device(server, prep, `w4-load${i}`, g.households)
      await d.connect(120_000)
      loaders.push(d)
      if (i === p.loaderDevices - 1 || (i + 1) % Math.max(1, Math.floor(p.loaderDevices / 3)) === 0) {
        const rssKiB = await settledRss(server)
        loadedPoints.push({ loaded: (i + 1) * p.householdsPerLoader, rssKiB })
        log(`  ${(i + 1) * p.householdsPerLoader} households loaded by ${i + 1} phones: RSS ${round(rssKiB / 1024)} MiB`)
      }
    }
    const last = loadedPoints[loadedPoints.length - 1] as { loaded: number; rssKiB: number }
    const rssPerThousandLoadedMiB = round(((last.rssKiB - loadBase) / 1024 / Math.max(1, last.loaded)) * 1000, 1)
    await Promise.all(loaders.map((d) => d.close()))
    const afterUnloadRssKiB = await settledRss(server)
    log(`  phones gone: RSS ${round(afterUnloadRssKiB / 1024)} MiB`)
    return { stored: p.stored, startRssKiB, loadBaseRssKiB: loadBase, loadedPoints, rssPerThousandLoadedMiB, afterUnloadRssKiB, idleConnections: idle.length, rssPerThousandIdleMiB, idleSockets }
  } finally {
    await server.stop()
  }
}
