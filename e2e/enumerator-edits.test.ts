// What the enumerator can correct on the phone: the head's name and the address (the server's field history keeps
// the old values), visible "n/max" limits that stop at what the relay accepts, removing a photo (confirmed; an unsent
// one leaves the phone's outbox), and a confirmation naming the household before "Gửi hồ sơ" (cancel changes nothing).
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEXT_LIMITS } from '../shared/doc/text-limits.ts'
import { serverHousehold, startE2E, type E2E, type Phone } from './harness.ts'
import { jpegFromPage } from './photo-bytes.ts'

let e: E2E
let phone: Phone
let id = ''
const tid = (page: Page, testId: string) => page.getByTestId(testId)

beforeAll(async () => {
  e = await startE2E()
  phone = await e.newPhone()
  await phone.context.grantPermissions(['geolocation'], { origin: e.baseUrl })
  await phone.context.setGeolocation({ latitude: 16.4637, longitude: 107.5909, accuracy: 9 })
  await e.login(phone.page)
  await tid(phone.page, 'filter-status').selectOption('assigned')
  await tid(phone.page, 'household-row').first().click()
  await tid(phone.page, 'survey').waitFor()
  id = (await tid(phone.page, 'household-screen').getAttribute('data-id')) ?? ''
})
afterAll(async () => {
  await e?.stop()
})

async function synced(page: Page): Promise<void> {
  await page.locator('[data-testid="save-state"][data-state="synced"]').waitFor({ timeout: 90_000 })
}

async function history(path: string): Promise<unknown[]> {
  const token = await e.apiToken('admin1')
  const res = await fetch(`${e.baseUrl}/api/households/${id}/history?path=${encodeURIComponent(path)}`, {
    headers: { authorization: `Bearer ${token}` },
  })
  return ((await res.json()) as { history: { value: unknown }[] }).history.map((h) => h.value)
}

describe('enumerator edits', () => {
  it("corrects the head's name and the address; every free-text field shows n/max and stops at the max", async () => {
    const { page } = phone
    await tid(page, 'btn-step-members').click()
    const head = tid(page, 'field-head.fullName')
    const address = tid(page, 'field-address')
    const oldName = await head.inputValue()
    const oldAddress = await address.inputValue()
    expect(oldName).not.toBe('')
    await expect(tid(page, 'count-head.fullName').textContent()).resolves.toContain(
      `${oldName.length}/${TEXT_LIMITS.fullName} ký tự`,
    )

    // The limit: the input takes no more than the layout accepts, and the count says so.
    await address.fill('x'.repeat(TEXT_LIMITS.address - 1))
    await address.press('End')
    await page.keyboard.type('abcd')
    await expect(address.inputValue()).resolves.toHaveLength(TEXT_LIMITS.address)
    await expect(tid(page, 'count-address').textContent()).resolves.toContain(
      `${TEXT_LIMITS.address}/${TEXT_LIMITS.address}`,
    )
    await expect(tid(page, 'count-address').getAttribute('class')).resolves.toContain('s-full')

    await head.fill('Nguyễn Văn Sửa Tên')
    await head.press('Tab')
    await address.fill('Tổ 9, kiệt 12 Lê Lợi')
    await address.press('Tab')
    await synced(page)
    const stored = await serverHousehold(e.server, id)
    expect(stored?.members.find((m) => m.relation === 'head')?.fullName).toBe('Nguyễn Văn Sửa Tên')
    expect(stored?.address).toBe('Tổ 9, kiệt 12 Lê Lợi')
    // The server's field history keeps the earlier value (the 500-character one written above) beside the correction;
    // the seeded value stays in the document's creation state.
    expect(await history('address')).toEqual([`${'x'.repeat(TEXT_LIMITS.address - 1)}a`, 'Tổ 9, kiệt 12 Lê Lợi'])
    expect(oldAddress).not.toBe('Tổ 9, kiệt 12 Lê Lợi')

    // The member editor's free-text fields show their limits too.
    await tid(page, 'btn-edit-member-0').click()
    await tid(page, 'count-members.0.fullName').waitFor()
    await expect(tid(page, 'count-members.0.ethnicity').textContent()).resolves.toMatch(
      new RegExp(`/${TEXT_LIMITS.ethnicity} ký tự`),
    )
    await expect(tid(page, 'field-members.0.ethnicity').getAttribute('maxlength')).resolves.toBe(
      String(TEXT_LIMITS.ethnicity),
    )
    await tid(page, 'btn-member-done').click()
  })

  it('removes a photo after confirmation; not yet uploaded, it leaves the phone too', async () => {
    const { page, context } = phone
    await tid(page, 'btn-step-photos').click()
    const jpeg = await jpegFromPage(page, 640, 480)
    await context.setOffline(true) // the upload cannot happen: the photo waits in the phone's outbox
    await tid(page, 'field-photo.file').setInputFiles({ name: 'IMG_1.jpg', mimeType: 'image/jpeg', buffer: jpeg })
    const figure = tid(page, 'photo').first()
    await figure.waitFor()
    const sha = (await figure.getAttribute('data-sha256')) ?? ''
    const inOutbox = () =>
      page.evaluate(async (key) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const r = indexedDB.open('rasoat-photos')
          r.onsuccess = () => resolve(r.result)
          r.onerror = () => reject(r.error)
        })
        const found = await new Promise<boolean>((resolve) => {
          const r = db.transaction('photos').objectStore('photos').get(key)
          r.onsuccess = () => resolve(r.result !== undefined)
        })
        db.close()
        return found
      }, sha)
    expect(await inOutbox()).toBe(true)

    // Cancel leaves it.
    await tid(page, 'btn-remove-photo').click()
    await tid(page, 'confirm-remove-photo').waitFor()
    await tid(page, 'confirm-remove-photo-cancel').click()
    await expect(tid(page, 'confirm-remove-photo').count()).resolves.toBe(0)
    await expect(tid(page, 'photo').count()).resolves.toBe(1)
    expect(await inOutbox()).toBe(true)

    // Confirm removes it from the record and from the outbox.
    await tid(page, 'btn-remove-photo').click()
    await expect(tid(page, 'confirm-remove-photo').textContent()).resolves.toContain('chưa tải lên')
    await tid(page, 'confirm-remove-photo-confirm').click()
    await expect.poll(() => tid(page, 'photo').count()).toBe(0)
    await expect.poll(inOutbox).toBe(false)
    await context.setOffline(false)
    await synced(page)
    expect((await serverHousehold(e.server, id))?.photos).toEqual([])
  })

  it('"Gửi hồ sơ" asks first, naming the household; cancel changes nothing, confirm submits', async () => {
    const { page } = phone
    await tid(page, 'btn-step-quick').click()
    await tid(page, 'field-screen.reason').locator('input[value="car"]').check()
    await tid(page, 'field-screen.note').waitFor()
    await expect(tid(page, 'count-screen.note').textContent()).resolves.toContain(
      `0/${TEXT_LIMITS.screenReason - 'car'.length - 2}`,
    )
    await tid(page, 'btn-quick-not-poor').click()
    await tid(page, 'btn-step-gps').click()
    await tid(page, 'btn-gps').click()
    await page.locator('[data-testid="gps-saved"][data-accuracy="9"]').waitFor()
    await tid(page, 'btn-step-result').click()
    const status = await tid(page, 'survey').getAttribute('data-status')

    await tid(page, 'btn-submit').click()
    const what = tid(page, 'confirm-submit-what')
    await expect(what.textContent()).resolves.toContain('Nguyễn Văn Sửa Tên')
    await expect(what.textContent()).resolves.toContain('Tổ 9, kiệt 12 Lê Lợi')
    await tid(page, 'confirm-submit-cancel').click()
    await expect(tid(page, 'confirm-submit').count()).resolves.toBe(0)
    await expect(tid(page, 'survey').getAttribute('data-status')).resolves.toBe(status)

    await tid(page, 'btn-submit').click()
    await tid(page, 'confirm-submit-confirm').click()
    await page.locator('[data-testid="survey"][data-status="submitted"]').waitFor()
    await synced(page)
    expect((await serverHousehold(e.server, id))?.status).toBe('submitted')
  })
})
