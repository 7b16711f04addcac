// The real `npm run cli -- user …` commands (tsx server/cli.ts) against a temp data dir: add (password on the command
// line or standard input, the policy applies), disable/enable and password reset, each ending the user's sessions.

import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startTestServer } from '../test-support/server.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'rasoat-cli-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

function cli(args: string[], input?: string) {
  const r = spawnSync(join(process.cwd(), 'node_modules', '.bin', 'tsx'), ['server/cli.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: dataDir },
    timeout: 60_000,
    ...(input !== undefined ? { input } : {}),
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('cli user add', () => {
  it('creates a user who can sign in to a server on the same data dir', async () => {
    const r = cli(['user', 'add', '--username', 'quan', '--password', 'mật khẩu quản trị', '--role', 'admin'])
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

  it('reads the password from standard input when --password is omitted', async () => {
    const r = cli(['user', 'add', '--username', 'tam', '--role', 'observer'], 'núi Ngự Bình\nignored second line\n')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const s = await startTestServer({ dataDir })
    try {
      await s.login('tam', 'núi Ngự Bình')
    } finally {
      await s.close()
    }
    const none = cli(['user', 'add', '--username', 'tam2', '--role', 'observer'], '')
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/password: none given/)
  })

  it('exits 2 with per-field messages on bad input, a weak password, and on a taken username', () => {
    const bad = cli(['user', 'add', '--username', 'x', '--password', 'short', '--role', 'king', '--data-dir', dataDir])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/password/)
    expect(bad.stderr).toMatch(/role/)
    const common = cli(['user', 'add', '--username', 'lan', '--role', 'admin'], 'Password1234\n')
    expect(common.code).toBe(2)
    expect(common.stderr).toBe('password: too common\n')
    const taken = cli(['user', 'add', '--username', 'quan', '--password', 'long enough', '--role', 'observer'])
    expect(taken.code).toBe(2)
    expect(taken.stderr).toMatch(/taken/)
    const sup = cli([
      'user',
      'add',
      '--username',
      'sup9',
      '--password',
      'long enough',
      '--role',
      'supervisor',
      '--unit',
      '19900',
    ])
    expect(sup.code).toBe(0)
  })
})

describe('cli user disable / enable / password', () => {
  it('disabling ends sessions and refuses sign-in; enabling allows it again; a reset ends sessions too', async () => {
    expect(cli(['user', 'add', '--username', 'hien', '--role', 'observer'], 'sông Hương xanh\n').code).toBe(0)
    let s = await startTestServer({ dataDir })
    const token = await s.login('hien', 'sông Hương xanh')
    await s.close()

    const off = cli(['user', 'disable', '--username', 'hien'])
    expect(off.stderr).toBe('')
    expect(JSON.parse(off.stdout)).toEqual({ username: 'hien', disabled: true, sessionsEnded: 1 })
    s = await startTestServer({ dataDir })
    try {
      expect((await s.api('/api/me', { token })).status).toBe(401)
      const refused = await s.api('/api/login', {
        method: 'POST',
        json: { username: 'hien', password: 'sông Hương xanh' },
      })
      expect(refused.status).toBe(401)
    } finally {
      await s.close()
    }

    expect(JSON.parse(cli(['user', 'enable', '--username', 'hien']).stdout)).toEqual({
      username: 'hien',
      disabled: false,
      sessionsEnded: 0,
    })
    s = await startTestServer({ dataDir })
    const second = await s.login('hien', 'sông Hương xanh')
    await s.close()

    expect(cli(['user', 'password', '--username', 'hien'], '1234567890\n').stderr).toBe('password: too common\n')
    const reset = cli(['user', 'password', '--username', 'hien'], 'cầu Trường Tiền\n')
    expect(JSON.parse(reset.stdout)).toEqual({ username: 'hien', sessionsEnded: 1 })
    s = await startTestServer({ dataDir })
    try {
      expect((await s.api('/api/me', { token: second })).status).toBe(401)
      await s.login('hien', 'cầu Trường Tiền')
    } finally {
      await s.close()
    }
  })

  it('exits 2 for an unknown user and for missing or misplaced options', () => {
    const unknown = cli(['user', 'disable', '--username', 'nobody'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toBe('no user "nobody"\n')
    expect(cli(['user', 'enable']).code).toBe(2)
    expect(cli(['user', 'disable', '--username', 'hien', '--password', 'not for this command']).code).toBe(2)
    expect(cli(['user', 'password', '--username', 'hien', '--role', 'admin'], 'cầu Trường Tiền\n').code).toBe(2)
    expect(cli(['user', 'remove', '--username', 'hien']).code).toBe(2)
  })
})
