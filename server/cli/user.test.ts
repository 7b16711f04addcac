// The real `npm run cli -- user add` command (tsx server/cli.ts) against a temp data dir: the user can then sign in.

import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startTestServer } from '../test-support/server.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'rasoat-cli-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

function cli(...args: string[]) {
  const r = spawnSync(join(process.cwd(), 'node_modules', '.bin', 'tsx'), ['server/cli.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: dataDir },
    timeout: 60_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('cli user add', () => {
  it('creates a user who can sign in to a server on the same data dir', async () => {
    const r = cli('user', 'add', '--username', 'quan', '--password', 'mật khẩu quản trị', '--role', 'admin')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ user: { username: 'quan', role: 'admin' } })
    const s = await startTestServer({ dataDir })
    try {
      const token = await s.login('quan', 'mật khẩu quản trị')
      expect((await s.api('/api/me', { token })).status).toBe(200)
    } finally {
      await s.close()
    }
  })

  it('exits 2 with per-field messages on bad input, and on a taken username', () => {
    const bad = cli('user', 'add', '--username', 'x', '--password', 'short', '--role', 'king', '--data-dir', dataDir)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/password/)
    expect(bad.stderr).toMatch(/role/)
    const taken = cli('user', 'add', '--username', 'quan', '--password', 'long enough', '--role', 'observer')
    expect(taken.code).toBe(2)
    expect(taken.stderr).toMatch(/taken/)
    const sup = cli('user', 'add', '--username', 'sup9', '--password', 'long enough', '--role', 'supervisor', '--unit', '19900')
    expect(sup.code).toBe(0)
  })
})
