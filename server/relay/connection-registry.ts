// Every open /sync and /yjs socket of the relay, per user: caps a user's sockets (the oldest goes when a new one would
// pass the cap) and closes sockets that have sent nothing for the idle time. Clock injected; the sweep runs on a timer.
import { CloseCode } from '../../shared/sync/limits.ts'

export interface RegisteredSocket {
  /** Closes the WebSocket with `code` and tears the connection down (unsubscribes it from the hub). */
  close(code: number, reason: string): void
}

export interface ConnectionRegistry {
  /** A socket opened by `userId`; closes that user's oldest sockets beyond the cap. Returns the handle to report on. */
  open(userId: string, socket: RegisteredSocket): ConnectionHandle
  size(): number
  /** Closes every socket idle since before now − idleMs; returns how many. */
  sweepIdle(): number
  /** Closes every socket with `code` and stops the sweep. */
  closeAll(code: number, reason: string): void
  /** Closes every socket open now with `code`; the registry keeps accepting sockets. Returns how many. */
  closeEvery(code: number, reason: string): number
}

export interface ConnectionHandle {
  /** A message arrived from the client. */
  active(): void
  /** The socket closed (by either side). */
  closed(): void
}

/** One open socket; also the handle its route reports on (methods on the prototype: no closures per socket). */
class Entry implements ConnectionHandle {
  readonly userId: string
  readonly socket: RegisteredSocket
  lastMessageAt: number
  private readonly registry: Registry

  constructor(registry: Registry, userId: string, socket: RegisteredSocket) {
    this.registry = registry
    this.userId = userId
    this.socket = socket
    this.lastMessageAt = registry.now()
  }

  active(): void {
    this.lastMessageAt = this.registry.now()
  }

  closed(): void {
    this.registry.remove(this)
  }
}

/** What the entries share: the clock and their removal. */
interface Registry {
  now(): number
  remove(e: Entry): boolean
}

export function createConnectionRegistry(opts: {
  maxPerUser: number
  idleMs: number
  idleCheckMs: number
  now: () => number
}): ConnectionRegistry {
  /**
   * Per user, in opening order (a Set keeps insertion order: the first is the oldest). Most users have one socket: it
   * is stored bare, and a Set is made only for the second (a Set per connection costs more than the entry itself).
   */
  const byUser = new Map<string, Entry | Set<Entry>>()
  let count = 0
  const sweep = setInterval(() => registry.sweepIdle(), opts.idleCheckMs)
  sweep.unref()

  function entriesOf(userId: string): Entry[] {
    const v = byUser.get(userId)
    return v === undefined ? [] : v instanceof Set ? [...v] : [v]
  }

  function all(): Entry[] {
    const out: Entry[] = []
    for (const v of byUser.values()) {
      if (v instanceof Set) out.push(...v)
      else out.push(v)
    }
    return out
  }

  function remove(e: Entry): boolean {
    const v = byUser.get(e.userId)
    if (v === e) byUser.delete(e.userId)
    else if (v instanceof Set && v.delete(e)) {
      if (v.size === 1) byUser.set(e.userId, v.values().next().value as Entry)
    } else return false
    count--
    return true
  }

  const shared: Registry = { now: opts.now, remove }

  const registry: ConnectionRegistry = {
    open(userId, socket) {
      const e = new Entry(shared, userId, socket)
      // The oldest goes, not the newest: a phone that moved from Wi-Fi to 4G reconnects while its old socket still looks
      // open here; refusing the new one would lock it out until the idle sweep.
      const open = entriesOf(userId)
      for (const old of open.slice(0, Math.max(0, open.length - opts.maxPerUser + 1))) {
        remove(old)
        old.socket.close(CloseCode.TOO_MANY_CONNECTIONS, 'sync/overloaded')
      }
      const v = byUser.get(userId)
      if (v === undefined) byUser.set(userId, e)
      else if (v instanceof Set) v.add(e)
      else byUser.set(userId, new Set([v, e]))
      count++
      return e
    },
    size: () => count,
    sweepIdle() {
      const cutoff = opts.now() - opts.idleMs
      const idle = all().filter((e) => e.lastMessageAt < cutoff)
      for (const e of idle) {
        remove(e)
        e.socket.close(CloseCode.IDLE_TIMEOUT, 'idle')
      }
      return idle.length
    },
    closeEvery(code, reason) {
      const open = all()
      for (const e of open) {
        remove(e)
        e.socket.close(code, reason)
      }
      return open.length
    },
    closeAll(code, reason) {
      clearInterval(sweep)
      const open = all()
      byUser.clear()
      count = 0
      for (const e of open) e.socket.close(code, reason)
    },
  }
  return registry
}
