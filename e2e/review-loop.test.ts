// The review loop end to end in headless Chromium against the real server: the supervisor returns a submitted record
// through the review route with a general and a field comment → the phone shows both (online, then offline after a
// reload) → the enumerator fixes and resubmits → the supervisor verifies → the phone shows it verified and locked.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HouseholdDoc } from '../shared/doc/household-doc.ts'
import { serverHousehold, startE2E, unlock, waitForServiceWorker, type E2E } from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.stop()
})

const tid = (page: Page, id: string) => page.getByTestId(id)
const GENERAL = 'Kiểm tra lại diện tích nhà ở'
const AT_FIELD = 'Diện tích không khớp với ảnh chụp'

async function review(id: string, step: string, body: unknown): Promise<Response> {
  return fetch(`${e.baseUrl}/api/households/${id}/review/${step}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await e.apiToken('sup1')}` },
    body: JSON.stringify(body),
  })
}

const serverStatus = (id: string) => {
  const state = e.server.docStore.readState(id)
  return state === null ? null : HouseholdDoc.load(state).status
}

async function expectComments(page: Page): Promise<void> {
  const notice = tid(page, 'returned-comments')
  await expect.poll(() => notice.textContent(), { timeout: 90_000 }).toContain(GENERAL)
  expect(await notice.textContent()).toContain(AT_FIELD)
  expect(await notice.textContent()).toContain('Trần Văn Minh') // the reviewer's name, not an id
  await tid(page, 'btn-step-dwelling').click()
  expect(await tid(page, 'field-comment-dwelling.floorAreaM2').textContent()).toContain(AT_FIELD)
}

describe('review loop', () => {
  it('return with comments → shown on the phone online and offline → fixed and resubmitted → verified and locked on the phone', async () => {
    const { page, context } = await e.newPhone()
    await page.goto(e.baseUrl)
    await e.login(page)
    await waitForServiceWorker(page)
    await tid(page, 'filter-status').selectOption('submitted')
    const row = tid(page, 'household-row').first()
    const id = (await row.getAttribute('data-id')) ?? ''
    await row.click()
    await page.locator('[data-testid="survey"][data-status="submitted"]').waitFor()

    // The supervisor returns it over HTTP; the server writes it into the document and the phone receives it live.
    const returned = await review(id, 'return', {
      comment: GENERAL,
      fieldComments: [{ path: 'dwelling.floorAreaM2', text: AT_FIELD }],
    })
    expect(returned.status).toBe(200)
    await page.locator('[data-testid="survey"][data-status="returned"]').waitFor({ timeout: 90_000 })
    await expectComments(page)

    // Offline, after a reload: the comments come from the document stored on the phone.
    await tid(page, 'btn-close').click()
    await context.setOffline(true)
    await page.locator('[data-testid="status-bar"][data-phase="offline"]').waitFor()
    await page.reload()
    await unlock(page)
    await page.locator(`[data-testid="household-row"][data-id="${id}"]`).click()
    await page.locator('[data-testid="survey"][data-status="returned"]').waitFor()
    await expectComments(page)

    // The enumerator fixes the field (offline), then resubmits once the network is back.
    const area = tid(page, 'field-dwelling.floorAreaM2')
    await area.fill('38')
    await area.blur()
    await page.locator('[data-testid="survey"][data-status="in_progress"]').waitFor()
    await context.setOffline(false)
    await tid(page, 'btn-step-quick').click()
    await tid(page, 'btn-quick-continue').click()
    await tid(page, 'btn-step-result').click()
    const missing = tid(page, 'submit-missing')
    if ((await missing.count()) > 0) throw new Error(`cannot resubmit: ${await missing.textContent()}`)
    await tid(page, 'btn-submit').click()
    await tid(page, 'confirm-submit-confirm').click()
    await page.locator('[data-testid="survey"][data-status="submitted"]').waitFor()
    await page.locator('[data-testid="save-state"][data-state="synced"]').waitFor({ timeout: 90_000 })
    expect(serverStatus(id)).toBe('submitted')
    expect((await serverHousehold(e.server, id))?.dwelling.floorAreaM2).toBe(38)

    // The supervisor verifies; the phone shows it verified, says it is locked, and the form does not take edits.
    expect((await review(id, 'verify', {})).status).toBe(200)
    await page.locator('[data-testid="survey"][data-status="verified"]').waitFor({ timeout: 90_000 })
    await tid(page, 'survey-locked').waitFor()
    expect(await tid(page, 'returned-comments').count()).toBe(0)
    await tid(page, 'btn-step-dwelling').click()
    expect(await tid(page, 'field-dwelling.floorAreaM2').isDisabled()).toBe(true)
    expect(await tid(page, 'field-comment-dwelling.floorAreaM2').count()).toBe(0)
  })
})
