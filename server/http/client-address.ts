// The caller's network address for sign-in budgets: the socket's peer, or behind a trusted TLS proxy the address the
// proxy appended last to X-Forwarded-For. IPv6 counts per /64 (one phone or one home gets a whole /64).

import type { Context } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'
import { isIP } from 'node:net'

export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    // Only the last entry is written by our proxy; earlier ones come from the client and can be anything.
    const forwarded = c.req.header('x-forwarded-for')?.split(',').pop()?.trim()
    if (forwarded && isIP(forwarded)) return addressKey(forwarded)
  }
  let peer: string | undefined
  try {
    peer = getConnInfo(c).remote.address
  } catch {
    peer = undefined // not served by @hono/node-server (app.request in a test)
  }
  return peer ? addressKey(peer) : 'unknown'
}

/** "::ffff:10.0.0.1" → "10.0.0.1"; "2001:db8:1:2:3:4:5:6" → "2001:db8:1:2::/64". */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped?.[1]) return mapped[1]
  if (isIP(address) !== 6) return address
  const [head = '', tail = ''] = address.toLowerCase().split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`
}
