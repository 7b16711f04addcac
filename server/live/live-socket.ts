// GET /live: the supervisor console's WebSocket (docs/server.md "Live socket"). Same session as /sync; one subscription
// per socket; deltas wait in a bounded queue that keeps only the latest change per pin/village/device and drains as
// the socket does. JSON text frames both ways.
import type { NodeWebSocket } from '@hono/node-ws'
import type { Hono } from 'hono'
import { z } from 'zod'
import type { Access, User } from '../auth/access.ts'
import { sessionToken, type AppEnv } from '../http/context.ts'
import { sessionCheck } from '../relay/device-connection.ts'
import { CloseCode } from '../../shared/sync/limits.ts'
import { currentPeriod } from '../db/reference-data.ts'
import type { Db } from '../db/open.ts'
import type { ConsoleFeed, LiveDelta, LiveSubscriber } from './console-feed.ts'
import { FilterParams, resolveView, type View } from './view.ts'

/** Close codes of /live: the sync protocol's where the meaning is the same (4000 + the nearest HTTP status). */
export const LiveClose = {
  SERVER_SHUTDOWN: CloseCode.SERVER_SHUTDOWN,
  TOO_LARGE: CloseCode.TOO_LARGE,
  /** An unexpected server error while subscribing. */
  INTERNAL: 1011,
  MALFORMED: CloseCode.PROTOCOL_ERROR,
  UNAUTHENTICATED: CloseCode.UNAUTHENTICATED,
  FORBIDDEN: CloseCode.FORBIDDEN,
  /** Too many messages per second, or too many open sockets of one user. */
  RATE_LIMITED: 4429,
} as const

export const LIVE_LIMITS = {
  /** Largest client frame (a subscribe message is ~200 bytes). */
  maxMessageBytes: 4096,
  /** Client messages per second per socket, with bursts. */
  perSecond: 2,
  burst: 10,
  /** Distinct pending deltas per socket; beyond it the queue is dropped and the console told to reload (resync). */
  maxQueued: 5000,
  /** Bytes the socket may hold unsent before the queue stops draining into it. */
  maxBuffered: 1024 * 1024,
  /** Open /live sockets per user. */
  perUser: 8,
}

const Subscribe = z.object({
  type: z.literal('subscribe'),
  period: z.string().min(1).max(16).optional(),
  unit: z.string().min(1).max(16).optional(),
  filters: z
    .object({
      village: z.string().optional(),
      enumerator: z.string().optional(),
      status: z.string().optional(),
      category: z.string().optional(),
    })
    .strict()
    .optional(),
})

interface RawSocket {
  send(text: string): void
  close(code: number, reason: string): void
  buffered(): number
}

interface LiveDeps {
  db: Db
  access: Access
  feed: ConsoleFeed
  onError?: (e: unknown) => void
}

/** Mounts GET /live. On shutdown the server closes every socket with 1001 (server.ts). */
export function liveRoutes(
  app: Hono<AppEnv>,
  upgradeWebSocket: NodeWebSocket['upgradeWebSocket'],
  deps: LiveDeps,
): void {
  const perUser = new Map<string, number>()
  const onError = deps.onError ?? ((e: unknown) => console.error('[live]', e))

  function connection(user: User, token: string, socket: RawSocket) {
    const { feed } = deps
    const stillSignedIn = sessionCheck(deps.access, user, token, feed.now)
    let tokens = LIVE_LIMITS.burst
    let refilledAt = feed.now()
    let sub: LiveSubscriber | null = null
    let queue = new Map<string, LiveDelta>()
    let overflowed = false
    let retry: NodeJS.Timeout | null = null
    let drainScheduled = false
    /** Deltas wait in the queue until `subscribed` went out. */
    let ready = false
    let closed = false

    function send(m: unknown): void {
      if (!closed) socket.send(JSON.stringify(m))
    }
    function end(code: number, reason: string): void {
      if (closed) return
      send({ type: 'error', code: reason })
      socket.close(code, reason)
      gone()
    }
    /** The database could not answer (a session or view look-up): reported, and the console reconnects. */
    function failed(e: unknown): void {
      onError(e)
      end(LiveClose.INTERNAL, 'live/internal')
    }
    /** Whether the session still stands; when it does not, or cannot be looked up, the socket has ended. */
    function signedIn(): boolean {
      try {
        if (stillSignedIn()) return true
        end(LiveClose.UNAUTHENTICATED, 'live/unauthenticated')
      } catch (e) {
        failed(e)
      }
      return false
    }
    function drain(): void {
      drainScheduled = false
      if (closed) return
      // Runs as a microtask or a timer: a throw here would end the process, not this socket.
      if (!signedIn()) return
      if (socket.buffered() > LIVE_LIMITS.maxBuffered) {
        retry ??= setTimeout(() => {
          retry = null
          drain()
        }, 100)
        return
      }
      if (overflowed) {
        overflowed = false
        send({ type: 'resync', reason: 'live/queue-overflow' })
      }
      if (queue.size === 0) return
      const out = {
        type: 'deltas',
        pins: [] as unknown[],
        removed: [] as string[],
        villages: [] as unknown[],
        enumerators: [] as unknown[],
        devices: [] as unknown[],
      }
      for (const d of queue.values()) {
        if (d.kind === 'pin') out.pins.push(d.pin)
        else if (d.kind === 'removed') out.removed.push(d.id)
        else if (d.kind === 'village') out.villages.push(d.progress)
        else if (d.kind === 'enumerator') out.enumerators.push(d.progress)
        else out.devices.push(d.device)
      }
      queue = new Map()
      send(out)
    }
    function subscriber(view: View): LiveSubscriber {
      return {
        view,
        push(d) {
          if (closed) return
          queue.delete(d.key) // re-inserted at the end: deltas go out in the order of their latest change
          queue.set(d.key, d)
          if (queue.size > LIVE_LIMITS.maxQueued) {
            queue = new Map()
            overflowed = true
          }
          if (ready && !drainScheduled) {
            drainScheduled = true
            queueMicrotask(drain)
          }
        },
      }
    }
    function gone(): void {
      if (closed) return
      closed = true
      if (retry) clearTimeout(retry)
      if (sub) feed.unsubscribe(sub)
      perUser.set(user.id, (perUser.get(user.id) ?? 1) - 1)
    }

    return {
      receive(data: unknown): void {
        if (closed) return
        if (typeof data !== 'string') return end(LiveClose.MALFORMED, 'live/malformed')
        if (data.length > LIVE_LIMITS.maxMessageBytes) return end(LiveClose.TOO_LARGE, 'live/too-large')
        const t = feed.now()
        tokens = Math.min(LIVE_LIMITS.burst, tokens + ((t - refilledAt) / 1000) * LIVE_LIMITS.perSecond)
        refilledAt = t
        if (tokens < 1) return end(LiveClose.RATE_LIMITED, 'live/rate-limited')
        tokens -= 1
        if (!signedIn()) return
        let json: unknown
        try {
          json = JSON.parse(data)
        } catch {
          return end(LiveClose.MALFORMED, 'live/malformed')
        }
        const m = Subscribe.safeParse(json)
        const f = m.success ? FilterParams.safeParse(m.data.filters ?? {}) : null
        if (!m.success || !f?.success) return end(LiveClose.MALFORMED, 'live/malformed')
        let period: string
        let r: ReturnType<typeof resolveView>
        try {
          period = m.data.period ?? currentPeriod(deps.db)
          r = resolveView(feed.store, user, period, m.data.unit, f.data)
        } catch (e) {
          return failed(e)
        }
        if (!r.ok) return end(LiveClose.FORBIDDEN, 'live/forbidden')
        if (sub) feed.unsubscribe(sub)
        queue = new Map()
        ready = false
        const mine = subscriber(r.view)
        sub = mine
        feed.subscribe(mine).then(
          () => {
            if (sub !== mine) return
            send({ type: 'subscribed', period, units: r.view.units, filters: f.data })
            ready = true
            drain()
          },
          (e: unknown) => {
            onError(e)
            end(LiveClose.INTERNAL, 'live/internal')
          },
        )
      },
      gone,
    }
  }

  app.get(
    '/live',
    async (c, next) => {
      const token = sessionToken(c)
      const user = token ? deps.access.authenticate(token) : null
      if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
        if (!user) return c.json({ code: 'live/unauthenticated', message: 'sign in first', details: null }, 401)
        return c.json({ code: 'live/upgrade-required', message: 'GET /live is a WebSocket', details: null }, 426)
      }
      c.set('user', user)
      c.set('token', token)
      await next()
    },
    upgradeWebSocket((c) => {
      const user = c.get('user') as User | null
      const token = (c.get('token') as string | null) ?? ''
      let conn: ReturnType<typeof connection> | null = null
      return {
        onOpen(_e, ws) {
          const refuse = (code: number, reason: string) => {
            ws.send(JSON.stringify({ type: 'error', code: reason }))
            ws.close(code, reason)
          }
          // A browser cannot read a refused upgrade's status: accept, then close with a named code.
          if (user === null) return refuse(LiveClose.UNAUTHENTICATED, 'live/unauthenticated')
          if (user.role === 'enumerator') return refuse(LiveClose.FORBIDDEN, 'live/forbidden')
          if ((perUser.get(user.id) ?? 0) >= LIVE_LIMITS.perUser)
            return refuse(LiveClose.RATE_LIMITED, 'live/too-many-sockets')
          perUser.set(user.id, (perUser.get(user.id) ?? 0) + 1)
          conn = connection(user, token, {
            send: (text) => ws.send(text),
            close: (code, reason) => ws.close(code, reason),
            buffered: () => ws.raw?.bufferedAmount ?? 0,
          })
        },
        onMessage(e) {
          conn?.receive(e.data)
        },
        onClose() {
          conn?.gone()
        },
      }
    }),
  )
}
