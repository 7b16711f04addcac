// Fan-out between relays through Redis pub/sub: a doorbell with the update attached, not a log. Pub/sub keeps nothing
// and may drop messages (reconnects, a slow subscriber); the database is the log, so a relay that missed one catches up
// from committed rows (hub gap check, resync after a reconnect) — Redis streams would only duplicate that log.
import { Redis } from 'ioredis'
import type { Fanout, FanoutListener, FanoutMessage, Outgoing } from './fanout.ts'

/** One channel per database copy (its epoch): relays of another database, or of a restored copy, never mix. */
export const fanoutChannel = (epoch: string): string => `rasoat:fanout:${epoch}`

export interface RedisFanoutOptions {
  url: string
  relayId: string
  /** The database's epoch (db/meta.ts). */
  epoch: string
  onError?: (e: unknown) => void
}

/** Bytes fields travel as base64 in the JSON body (update, payload). */
function encode(m: FanoutMessage): string {
  return JSON.stringify(m, (_k, v: unknown) =>
    v instanceof Uint8Array ? { $b: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') } : v,
  )
}

function decode(raw: string): FanoutMessage | null {
  try {
    const m = JSON.parse(raw, (_k, v: unknown) =>
      v !== null && typeof v === 'object' && '$b' in v && typeof v.$b === 'string'
        ? new Uint8Array(Buffer.from(v.$b, 'base64'))
        : v,
    ) as FanoutMessage
    return typeof m === 'object' && m !== null && typeof m.relay === 'string' && typeof m.kind === 'string' ? m : null
  } catch {
    return null
  }
}

/** Connects both connections (publisher, subscriber); resolves once subscribed. */
export async function createRedisFanout(opts: RedisFanoutOptions): Promise<Fanout> {
  const onError = opts.onError ?? ((e: unknown) => console.error('[fanout]', e))
  // No offline queue: a publish while Redis is away fails at once instead of piling up in memory; the relay announces
  // a resync when the connection is back, and the others read what they missed from the database.
  // Named connections: CLIENT LIST shows which relay each belongs to (rasoat:<relay id>:pub / :sub).
  const name = (role: string): string => `rasoat:${opts.relayId}:${role}`.replace(/[^\x21-\x7e]/g, '_')
  const pub = new Redis(opts.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    connectionName: name('pub'),
  })
  const sub = new Redis(opts.url, { lazyConnect: true, maxRetriesPerRequest: null, connectionName: name('sub') })
  const channel = fanoutChannel(opts.epoch)
  const listeners = new Set<FanoutListener>()
  let closed = false
  pub.on('error', (e) => onError(e))
  sub.on('error', (e) => onError(e))
  const resync = (): void => {
    for (const l of [...listeners]) l.resync()
  }
  sub.on('message', (_channel: string, raw: string) => {
    const m = decode(raw)
    if (m === null || m.relay === opts.relayId) return // never our own
    for (const l of [...listeners]) {
      try {
        if (m.kind === 'resync') l.resync()
        else l.message(m)
      } catch (e) {
        onError(e)
      }
    }
  })
  try {
    await Promise.all([pub.connect(), sub.connect()])
    await sub.subscribe(channel)
  } catch (e) {
    pub.disconnect()
    sub.disconnect()
    throw new Error(`REDIS_URL: cannot reach Redis (${e instanceof Error ? e.message : String(e)})`)
  }
  // After the first connection, every 'ready' is a reconnect: what was published meanwhile never reached us (subscriber)
  // or never left (publisher), so this relay catches up and asks the others to do the same.
  // Readiness: caught up once the resync after the last (re)connection has run (the catch-up reads synchronously).
  let caughtUp = true
  for (const event of ['close', 'reconnecting', 'end']) sub.on(event, () => (caughtUp = false))
  sub.on('ready', () => {
    if (closed) return
    resync()
    caughtUp = true
  })
  pub.on('ready', () => {
    if (!closed) publish({ kind: 'resync' })
  })
  function publish(m: Outgoing): void {
    if (closed) return
    pub.publish(channel, encode({ ...m, relay: opts.relayId } as FanoutMessage)).catch((e: unknown) => {
      onError(e) // lost: the receivers' gap check or the resync after the reconnect reads it from the database
    })
  }
  return {
    relayId: opts.relayId,
    shared: true,
    publish,
    listen(l) {
      listeners.add(l)
      return () => void listeners.delete(l)
    },
    readiness: () => ({ subscribed: !closed && sub.status === 'ready', caughtUp: !closed && caughtUp }),
    async close() {
      closed = true
      listeners.clear()
      await Promise.allSettled([pub.quit(), sub.quit()])
      pub.disconnect()
      sub.disconnect()
    },
  }
}
