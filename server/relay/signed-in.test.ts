// The session check every socket runs (signed-in.ts): the sockets of one session look it up once per SCOPE_CACHE_MS
// between them, and a logout still ends every one of them within that time. Real database, real sessions table; the
// clock is injected.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAccess, type Access, type User } from '../auth/access.ts'
import { createSession, deleteSession } from '../auth/sessions.ts'
import { openTwoVillages, type TwoVillages } from '../test-support/two-villages.ts'
import { SCOPE_CACHE_MS } from './scope-cache.ts'
import { SignedIn } from './signed-in.ts'

let world: TwoVillages
let t: number
let access: Access
let lookups: number
const lan: User = { id: 'u-lan', username: 'lan', role: 'enumerator', unitCode: '19900', displayName: 'Lan' }
const mai: User = { id: 'u-mai', username: 'mai', role: 'enumerator', unitCode: '19900', displayName: 'Mai' }

beforeEach(() => {
  world = openTwoVillages('rasoat-signed-in-')
  t = 1_000_000
  const real = createAccess(world.db, () => t)
  lookups = 0
  access = {
    ...real,
    authenticate(token) {
      lookups++
      return real.authenticate(token)
    },
  }
})

afterEach(() => world.close())

const socketOf = (user: User, token: string): SignedIn => new SignedIn({ access, now: () => t }, user, token)

describe('session checks shared by the sockets of a session', () => {
  it('looks a session up once per SCOPE_CACHE_MS for all its sockets, and once for each other session', () => {
    const lanToken = createSession(world.db, lan.id, { now: t }).token
    const maiToken = createSession(world.db, mai.id, { now: t }).token
    const lanSockets = Array.from({ length: 10 }, () => socketOf(lan, lanToken))
    const maiSocket = socketOf(mai, maiToken)
    for (const s of lanSockets) expect(s.sessionValid()).toBe(true)
    expect(lookups).toBe(0) // just opened: checked when the socket was accepted
    t += SCOPE_CACHE_MS
    for (const s of lanSockets) expect(s.sessionValid()).toBe(true)
    expect(maiSocket.sessionValid()).toBe(true)
    expect(lookups).toBe(2)
    t += SCOPE_CACHE_MS - 1
    for (const s of lanSockets) expect(s.sessionValid()).toBe(true)
    expect(lookups).toBe(2)
    t += 1
    for (const s of lanSockets) expect(s.sessionValid()).toBe(true)
    expect(lookups).toBe(3)
  })

  it('ends every socket of a session that logged out within SCOPE_CACHE_MS, and no socket of another session', () => {
    const lanToken = createSession(world.db, lan.id, { now: t }).token
    const other = createSession(world.db, lan.id, { now: t }).token
    const sockets = Array.from({ length: 5 }, () => socketOf(lan, lanToken))
    const otherSocket = socketOf(lan, other)
    t += SCOPE_CACHE_MS
    for (const s of sockets) expect(s.sessionValid()).toBe(true)
    deleteSession(world.db, lanToken)
    t += SCOPE_CACHE_MS
    for (const s of sockets) expect(s.sessionValid()).toBe(false)
    expect(otherSocket.sessionValid()).toBe(true)
    t += SCOPE_CACHE_MS * 3
    for (const s of sockets) expect(s.sessionValid()).toBe(false) // ended for good: not looked up again
    const opened = socketOf(lan, lanToken) // a socket still opening with the ended token
    t += SCOPE_CACHE_MS
    expect(opened.sessionValid()).toBe(false)
  })

  it('never trusts a look-up made on another clock', () => {
    const token = createSession(world.db, lan.id, { now: t }).token
    const onTestClock = socketOf(lan, token)
    t += SCOPE_CACHE_MS
    expect(onTestClock.sessionValid()).toBe(true)
    expect(lookups).toBe(1)
    deleteSession(world.db, token)
    // A socket on a clock behind the look-up (t − 5 s) cannot tell how old that look-up is: it looks again.
    const behind = new SignedIn({ access, now: () => t - 5_000 }, lan, token)
    t += SCOPE_CACHE_MS
    expect(behind.sessionValid()).toBe(false)
    expect(lookups).toBe(2)
  })

  it('does not share a look-up between users: a token is only valid for the user it belongs to', () => {
    const lanToken = createSession(world.db, lan.id, { now: t }).token
    const asLan = socketOf(lan, lanToken)
    const asMai = socketOf(mai, lanToken) // a socket that claims Lan's token for Mai
    t += SCOPE_CACHE_MS
    expect(asLan.sessionValid()).toBe(true)
    expect(asMai.sessionValid()).toBe(false)
  })
})
