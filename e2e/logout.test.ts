// Logout (and user switch) is refused while edits are unsynced, with an explanation in Vietnamese; once synced it
// works, and the same user signs back in and unlocks offline with the same password.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { HouseholdDoc } from '../shared/doc/household-doc.ts'
import {
  DEMO_PASSWORD,
  editOffline,
  serverHousehold,
  startE2E,
  unlock,
  waitForServiceWorker,
  type E2E,
} from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.stop()
})

describe('sign-out guard', () => {
  it('refuses logout while an edit is unsynced, allows it after sync; offline unlock uses the login password', async () => {
    const phone = await e.newPhone()
    const { page, context } = phone
    await page.goto(e.baseUrl)
    await e.login(page)
    await waitForServiceWorker(page)

    const id = await editOffline(phone, '33')

    await page.getByTestId('btn-menu').click()
    await page.getByTestId('btn-logout').click()
    const notice = page.getByTestId('notice')
    await notice.waitFor()
    expect(await notice.textContent()).toContain('Chưa thể đăng xuất')
    expect(await notice.textContent()).toMatch(/còn \d+ thay đổi \(1 hộ\)/)
    expect(await page.getByTestId('household-list').isVisible()).toBe(true)

    // Diagnostics shows what is pending, and the rescue export downloads it as JSON with base64 Yjs updates
    await page.getByTestId('btn-dismiss').click()
    await page.getByTestId('btn-menu').click()
    await page.getByTestId('nav-diagnostics').click()
    await expect.poll(() => page.getByTestId('diag-unsynced').textContent()).toMatch(/\(1 hộ\)/)
    expect(await page.getByTestId('diag-protocol').textContent()).toBe('1')
    expect(await page.getByTestId('diag-persisted').getAttribute('data-value')).toMatch(/true|false/)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('btn-export').click()])
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as {
      format: string
      user: { username: string }
      protocol: number
      households: { id: string; updates: string[]; state: string }[]
    }
    expect(exported).toMatchObject({ format: 'rasoat.unsynced-export/1', user: { username: 'enum1' }, protocol: 1 })
    expect(exported.households.map((h) => h.id)).toEqual([id])
    const doc = new Y.Doc()
    Y.applyUpdate(doc, Buffer.from(exported.households[0]!.state, 'base64'))
    for (const u of exported.households[0]!.updates) Y.applyUpdate(doc, Buffer.from(u, 'base64'))
    expect(new HouseholdDoc(doc).read().household.dwelling.floorAreaM2).toBe(33)
    await page.getByTestId('nav-list').click()
    // the warning holds after an offline reload too, from the unlock screen ("another user")
    await page.reload()
    await page.getByTestId('btn-other-user').click()
    expect(await page.getByTestId('notice').textContent()).toContain('Chưa thể đăng xuất')
    // a wrong password does not unlock; the login password does, with no network
    await page.getByTestId('unlock-password').fill('not-the-password')
    await page.getByTestId('btn-unlock').click()
    await page.getByTestId('unlock-error').waitFor()
    await unlock(page, DEMO_PASSWORD)

    await context.setOffline(false)
    await page
      .locator('[data-testid="status-bar"][data-phase="synced"][data-unsynced="0"]')
      .waitFor({ timeout: 90_000 })
    await page.getByTestId('btn-menu').click()
    await page.getByTestId('btn-logout').click()
    await page.getByTestId('login-form').waitFor()
  })

  it('a session that expired while offline stops sync with an explanation; signing in again keeps the unsynced edit', async () => {
    const phone = await e.newPhone()
    const { page, context } = phone
    await page.goto(e.baseUrl)
    await e.login(page)
    const id = await editOffline(phone, '58')

    e.server.db.prepare('DELETE FROM sessions').run() // the session expires on the server meanwhile
    await context.setOffline(false)
    await page.getByTestId('sync-stopped').waitFor()
    expect(await page.getByTestId('sync-stopped').textContent()).toContain('Phiên đăng nhập đã hết hạn')
    expect(await page.locator(`[data-testid="household-row"][data-id="${id}"]`).getAttribute('data-sync')).toBe('saved')

    await page.getByTestId('btn-sign-in-again').click()
    expect(await page.getByTestId('login-username').inputValue()).toBe('enum1')
    await page.getByTestId('login-password').fill(DEMO_PASSWORD)
    await page.getByTestId('btn-login').click()
    await page
      .locator('[data-testid="status-bar"][data-phase="synced"][data-unsynced="0"]')
      .waitFor({ timeout: 90_000 })
    expect((await serverHousehold(e.server, id))?.dwelling.floorAreaM2).toBe(58)
  })
})
