// RSS of a server once it is quiet: a full GC (SIGUSR2) only counts after the server has handled it, which on a loaded
// machine can take longer than any fixed wait. Waits until the server's CPU time stops moving, before and after.

import type { ServerProcess } from '../lib/server-process.ts'
import { sleep } from '../lib/stats.ts'

/** Resolves once the server used at most one clock tick (10 ms) of CPU in a `windowMs` window (bounded: 30 s). */
export async function quiet(server: Pick<ServerProcess, 'cpuMicros'>, windowMs = 300): Promise<void> {
  let last = server.cpuMicros()
  const end = Date.now() + 30_000
  while (Date.now() < end) {
    await sleep(windowMs)
    const now = server.cpuMicros()
    if (now - last <= 10_000) return
    last = now
  }
}

/** RSS in KiB after the server went quiet, ran two full GCs, and went quiet after each. */
export async function settledRssKiB(
  server: Pick<ServerProcess, 'cpuMicros' | 'gc' | 'rssKiB'>,
  settleMs: number,
): Promise<number> {
  await quiet(server)
  for (let i = 0; i < 2; i++) {
    server.gc()
    await sleep(settleMs / 3)
    await quiet(server)
  }
  return server.rssKiB()
}
