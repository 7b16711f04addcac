// The review loop through the console: the supervisor returns a submitted record from the review queue with a general
// comment and one on a chosen question → the enumerator's phone shows both, at the field too → the enumerator fixes and
// resubmits → the record is back in the queue without a reload → the supervisor verifies → the phone shows it locked.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HouseholdDoc } from '../shared/doc/household-doc.ts'
import { startE2E, waitForServiceWorker, type E2E, openConsole } from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.stop()
})

const tid = (page: Page, id: string) => page.getByTestId(id)
const GENERAL = 'Đề nghị kiểm tra lại nhà ở'
const AT_FIELD = 'Diện tích khác với ảnh chụp nhà'
const serverStatus = (id: string) => {
  const state = e.server.docStore.readState(id)
  return state === null ? null : HouseholdDoc.load(state).status
}

describe('review loop in the console', () => {
  it('return with a field comment from the queue → seen at the field on the phone → fixed and resubmitted → verified from the queue → locked on the phone', async () => {
    const { page: phone } = await e.newPhone()
    await phone.goto(e.baseUrl)
    await e.login(phone)
    await waitForServiceWorker(phone)
    await tid(phone, 'filter-status').selectOption('submitted')
    const first = tid(phone, 'household-row').first()
    const id = (await first.getAttribute('data-id')) ?? ''
    await first.click()
    await phone.locator('[data-testid="survey"][data-status="submitted"]').waitFor()

    const { page: desk, context } = await openConsole(e, 'sup1', { hash: '#queue' })
    const row = desk.locator(`[data-testid="queue-row"][data-id="${id}"]`)
    await row.locator('[data-testid="queue-return"]').click()
    await tid(desk, 'return-comment').fill(GENERAL)
    await tid(desk, 'return-add-field').click()
    await tid(desk, 'return-field-path').selectOption('dwelling.floorAreaM2')
    await tid(desk, 'return-field-text').fill(AT_FIELD)
    await tid(desk, 'return-send').click()
    await desk.locator(`[data-testid="queue-row"][data-id="${id}"]`).waitFor({ state: 'detached' })
    expect(serverStatus(id)).toBe('returned')

    // The phone, open on the record, receives the return live and shows the comments, the field one at its question.
    await phone.locator('[data-testid="survey"][data-status="returned"]').waitFor({ timeout: 90_000 })
    expect(await tid(phone, 'returned-comments').textContent()).toContain(GENERAL)
    await tid(phone, 'btn-step-dwelling').click()
    expect(await tid(phone, 'field-comment-dwelling.floorAreaM2').textContent()).toContain(AT_FIELD)

    const area = tid(phone, 'field-dwelling.floorAreaM2')
    await area.fill('41')
    await area.blur()
    await phone.locator('[data-testid="survey"][data-status="in_progress"]').waitFor()
    await tid(phone, 'btn-step-quick').click()
    await tid(phone, 'btn-quick-continue').click()
    await tid(phone, 'btn-step-result').click()
    await tid(phone, 'btn-submit').click()
    await tid(phone, 'confirm-submit-confirm').click()
    await phone.locator('[data-testid="survey"][data-status="submitted"]').waitFor()

    // Back in the queue by the /live push, then verified from it.
    await row.locator('[data-testid="queue-verify"]').click({ timeout: 90_000 })
    await phone.locator('[data-testid="survey"][data-status="verified"]').waitFor({ timeout: 90_000 })
    await tid(phone, 'survey-locked').waitFor()
    expect(serverStatus(id)).toBe('verified')

    // The household view tells the story: the return with its field comment, by name, then the verification.
    await desk.evaluate(
      (hid) =>
        (window as unknown as { __rasoat: { app: { openHousehold(id: string): void } } }).__rasoat.app.openHousehold(
          hid,
        ),
      id,
    )
    await desk.locator('[data-testid="review-panel"][data-status="verified"]').waitFor()
    const story = (await tid(desk, 'panel-workflow').textContent()) ?? ''
    expect(story).toContain(AT_FIELD)
    expect(story).toContain(GENERAL)
    expect(story).toContain('Trần Văn Minh')
    await tid(desk, 'btn-back').click()

    // The phone reported itself after its sync rounds: the progress screen lists it with nothing left unsynced.
    const deviceId = await phone.evaluate(
      () => (window as unknown as { __rasoat: { device: { deviceId: string } } }).__rasoat.device.deviceId,
    )
    await tid(desk, 'console-tab-progress').click()
    const device = desk.locator(`[data-testid="progress-device"][data-id="${deviceId}"][data-stale="false"]`)
    await device.waitFor()
    expect(await device.textContent()).toContain('Nguyễn Thị Lan')
    await context.close()
  })
})
