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

interface Entry {
  userId: string
  socket: RegisteredSocket
  lastMessageAt: number
}

export function createConnectionRegistry(opts: {
  maxPerUser: number
  idleMs: number
  idleCheckMs: number
  now: () => number
}): ConnectionRegistry {
  /** Per user, in opening order (a Set keeps insertion order: the first is the oldest). */
  const byUser = new Map<string, Set<Entry>>()
  let count = 0
  const sweep = setInterval(() => registry.sweepIdle(), opts.idleCheckMs)
  sweep.unref()

  function remove(e: Entry): boolean {
    const set = byUser.get(e.userId)
    if (!set?.delete(e)) return false
    count--
    if (set.size === 0) byUser.delete(e.userId)
    return true
  }

  const registry: ConnectionRegistry = {
    open(userId, socket) {
      const e: Entry = { userId, socket, lastMessageAt: opts.now() }
      let set = byUser.get(userId)
      if (!set) byUser.set(userId, (set = new Set()))
      // The oldest goes, not the newest: a phone that moved from Wi-Fi to 4G reconnects while its old socket still looks
      // open here; refusing the new one would lock it out until the idle sweep.
      for (const old of [...set]) {
        if (set.size < opts.maxPerUser) break
        remove(old)
        old.socket.close(CloseCode.TOO_MANY_CONNECTIONS, 'sync/overloaded')
      }
      set.add(e)
      count++
      return {
        active: () => {
          e.lastMessageAt = opts.now()
        },
        closed: () => void remove(e),
      }
    },
    size: () => count,
    sweepIdle() {
      const cutoff = opts.now() - opts.idleMs
      const idle: Entry[] = []
      for (const set of byUser.values()) for (const e of set) if (e.lastMessageAt < cutoff) idle.push(e)
      for (const e of idle) {
        remove(e)
        e.socket.close(CloseCode.IDLE_TIMEOUT, 'idle')
      }
      return idle.length
    },
    closeEvery(code, reason) {
      const all = [...byUser.values()].flatMap((set) => [...set])
      for (const e of all) {
        remove(e)
        e.socket.close(code, reason)
      }
      return all.length
    },
    closeAll(code, reason) {
      clearInterval(sweep)
      const all = [...byUser.values()].flatMap((set) => [...set])
      byUser.clear()
      count = 0
      for (const e of all) e.socket.close(code, reason)
    },
  }
  return registry
}
