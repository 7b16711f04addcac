// Several relays: REDIS_URL turns the Redis fan-out on (absent: one relay), RELAY_ID names this relay among them.
import { hostname } from 'node:os'
import { expect, it } from 'vitest'
import { readConfig } from './config.ts'

it('without REDIS_URL the server is one relay, named hostname:pid unless RELAY_ID says otherwise', () => {
  expect(readConfig({})).toMatchObject({ redisUrl: undefined, relayId: `${hostname()}:${process.pid}` })
  expect(readConfig({ REDIS_URL: 'redis://10.0.0.5:6379/2', RELAY_ID: 'relay-hue-1' })).toMatchObject({
    redisUrl: 'redis://10.0.0.5:6379/2',
    relayId: 'relay-hue-1',
  })
})

it('a REDIS_URL that is not redis:// or rediss:// stops the start with its name', () => {
  expect(() => readConfig({ REDIS_URL: '127.0.0.1:6379' })).toThrow(/REDIS_URL/)
})
