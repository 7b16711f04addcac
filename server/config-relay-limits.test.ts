// The relay's limit settings read from the environment: unset keeps the defaults, bad values stop the start.
import { expect, it } from 'vitest'
import { readConfig } from './config.ts'
import { relayLimits } from './relay/rate-limit.ts'

it('RELAY_MAX_CONNECTIONS_PER_USER and RELAY_IDLE_MINUTES set the caps; unset ones keep the defaults', () => {
  expect(readConfig({}).relayLimits).toEqual({})
  const set = readConfig({ RELAY_MAX_CONNECTIONS_PER_USER: '3', RELAY_IDLE_MINUTES: '2.5' }).relayLimits
  expect(set).toEqual({ maxConnectionsPerUser: 3, idleMs: 150_000 })
  expect(relayLimits(set)).toMatchObject({ maxConnectionsPerUser: 3, idleMs: 150_000, maxQueuedFrames: 20_000 })
})

it('a setting that is not a positive number is refused with its name', () => {
  expect(() => readConfig({ RELAY_MAX_CONNECTIONS_PER_USER: '0' })).toThrow(/RELAY_MAX_CONNECTIONS_PER_USER/)
  expect(() => readConfig({ RELAY_IDLE_MINUTES: 'soon' })).toThrow(/RELAY_IDLE_MINUTES/)
})
