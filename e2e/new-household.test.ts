// A household found in the field, end to end in headless Chromium against the real server: the enumerator adds it
// offline (head's name, address, one of their villages) → it is saved on the phone, pending approval, on the row and in
// the form → back online it syncs and the server creates it pending → the supervisor approves and the phone follows.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HouseholdDoc } from '../shared/doc/household-doc.ts'
import { startE2E, type E2E } from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.stop()
})

const tid = (page: Page, id: string) => page.getByTestId(id)
const HEAD = 'Tôn Nữ Thị Hạnh'

describe('household found in the field', () => {
  it('added offline, pending on the phone, created on the server when online, approved by the supervisor', async () => {
    const { page, context } = await e.newPhone()
    await page.goto(e.baseUrl)
    await e.login(page)
    // The villages (with their unit and the period) come once online after sign-in and are kept for offline use.
    await expect
      .poll(() => page.evaluate(() => document.querySelector('[data-testid="btn-add-household"]') !== null))
      .toBe(true)

    await context.setOffline(true)
    await page.locator('[data-testid="status-bar"][data-phase="offline"]').waitFor()
    await tid(page, 'btn-add-household').click()
    await tid(page, 'found-head-name').fill(HEAD)
    await tid(page, 'found-address').fill('Kiệt 7 Nguyễn Sinh Cung')
    await tid(page, 'found-village').selectOption({ index: 1 })
    await tid(page, 'btn-found-save').click()

    // The new household opens at once, marked pending approval.
    await tid(page, 'survey-pending').waitFor()
    await tid(page, 'btn-close').click()
    await tid(page, 'list-search').fill('ton nu thi hanh')
    const row = tid(page, 'household-row').first()
    await expect.poll(() => row.textContent()).toContain(HEAD)
    expect(await row.getByTestId('row-pending').count()).toBe(1)
    expect(await row.getAttribute('data-sync')).toBe('saved')
    const id = (await row.getAttribute('data-id')) ?? ''
    expect(e.server.docStore.exists(id)).toBe(false)

    // Online: it syncs like any household and the server creates it, pending.
    await context.setOffline(false)
    await expect.poll(() => row.getAttribute('data-sync'), { timeout: 90_000 }).toBe('synced')
    const admission = () => e.server.db.prepare('SELECT admission FROM households WHERE id = ?').pluck().get(id)
    expect(admission()).toBe('pending')
    const stored = HouseholdDoc.load(e.server.docStore.readState(id)!).read()
    expect(stored.household.members[0]?.fullName).toBe(HEAD)

    // The supervisor approves; the phone's row no longer says pending.
    const res = await fetch(`${e.baseUrl}/api/households/${id}/admission`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await e.apiToken('sup1')}` },
      body: JSON.stringify({ decision: 'approved' }),
    })
    expect(res.status).toBe(200)
    expect(admission()).toBe('approved')
    await expect.poll(() => row.getByTestId('row-pending').count(), { timeout: 90_000 }).toBe(0)
  })
})
