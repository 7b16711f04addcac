// The address a sign-in is counted against: IPv4 as is, IPv4-mapped IPv6 unwrapped, IPv6 per /64; X-Forwarded-For
// only behind a trusted proxy, and then only its last entry (the one the proxy wrote).

import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { addressKey, clientAddress } from './client-address.ts'

describe('addressKey', () => {
  it('groups IPv6 by /64 and unwraps IPv4-mapped addresses', () => {
    expect(addressKey('10.1.2.3')).toBe('10.1.2.3')
    expect(addressKey('::ffff:10.1.2.3')).toBe('10.1.2.3')
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:0db8:0001:0002::9')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(addressKey('::1')).toBe('0:0:0:0::/64')
  })
})

describe('clientAddress', () => {
  const app = (trustProxy: boolean) => new Hono().get('/', (c) => c.text(clientAddress(c, trustProxy)))
  const xff = { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' }

  it('takes the last X-Forwarded-For entry only when the proxy is trusted', async () => {
    expect(await (await app(true).request('/', { headers: xff })).text()).toBe('198.51.100.7')
    expect(await (await app(false).request('/', { headers: xff })).text()).toBe('unknown') // no socket in app.request
    expect(await (await app(true).request('/', { headers: { 'x-forwarded-for': 'not an address' } })).text()).toBe(
      'unknown',
    )
  })
})
