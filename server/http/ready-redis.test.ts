// Readiness with Redis between relays (RASOAT_TEST_REDIS_URL), reached through a TCP proxy the test cuts and restores:
// ready while subscribed, still ready but `degraded: ['fanout']` while Redis is away — its own devices' edits still
// acknowledged after the commit — and not degraded again by itself once it is back.

import { afterAll, describe, expect, it } from 'vitest'
import { SyncClient } from '../relay/test-client.ts'
import { replicaFrom, seedSyncWorld } from '../test-support/sync-world.ts'
import { startTcpProxy, throughProxy, type TcpProxy } from '../test-support/tcp-proxy.ts'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import type { ReadyBody } from './ready.ts'
import { TEST_REDIS_URL } from '../multi-relay/two-relays.ts'

const redisUrl = TEST_REDIS_URL

describe('readiness of a relay with Redis', () => {
  let proxy: TcpProxy | undefined
  let server: TestServer | undefined
  afterAll(async () => {
    await server?.stop()
    await proxy?.close()
  })

  async function ready(): Promise<{ status: number; body: ReadyBody }> {
    const res = await fetch(`${server!.url}/api/ready`)
    return { status: res.status, body: (await res.json()) as ReadyBody }
  }

  it('is ready while subscribed, stays ready with the fan-out degraded while Redis is unreachable, and recovers', async () => {
    const target = new URL(redisUrl)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) })
    server = await startTestServer({ redisUrl: throughProxy(redisUrl, proxy), relayId: 'ready-a', log: () => {} })
    expect(await ready()).toEqual({
      status: 200,
      body: {
        ready: true,
        database: 'ok',
        migrations: 'current',
        writer: 'ok',
        fanout: 'ok',
        notReady: [],
        degraded: [],
      },
    })
    const token = await seedSyncWorld(server, ['hr-redis'])
    const phone = await SyncClient.connect({ url: server.url, token, deviceId: 'phone-redis' })
    await phone.hello()
    await phone.manifest([])
    const replica = replicaFrom(phone, 'hr-redis', 74_001)

    await proxy.cut()
    await expect.poll(async () => (await ready()).body.fanout, { timeout: 20_000 }).toBe('unsubscribed')
    // Redis down hits every relay alike: the relay stays ready (its own devices are served), marked degraded.
    expect(await ready()).toMatchObject({ status: 200, body: { ready: true, notReady: [], degraded: ['fanout'] } })
    // The relay keeps serving its own devices meanwhile: alive, and an edit is acknowledged once committed.
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200)
    replica.setAddress('Số 5 Hùng Vương')
    expect(await phone.sendUpdate('hr-redis', replica.take())).toMatchObject({ type: 'ack', serverSeq: 2 })
    await proxy.restore()
    await expect.poll(async () => (await ready()).body.fanout, { timeout: 20_000 }).toBe('ok')
    expect(await ready()).toMatchObject({ status: 200, body: { notReady: [], degraded: [] } })
    await phone.close()
  })
})
