// Text typed into a form field and not yet confirmed (no blur, no change event) is kept when the form goes away
// without a tap elsewhere: Android's back button (popstate), or the app going to the background.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeHousehold, openHousehold, serverHousehold, startE2E, unlock, type E2E } from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.stop()
})

describe('unconfirmed input', () => {
  it('is written when the back button closes the form while the field still has focus', async () => {
    const { page } = await e.newPhone()
    await page.goto(e.baseUrl)
    await e.login(page)
    const id = await openHousehold(page)
    await page.getByTestId('btn-step-dwelling').click()
    await page.getByTestId('field-dwelling.floorAreaM2').fill('33.5') // still focused: no change event yet
    await page.goBack() // Android back button
    await page.getByTestId('household-list').waitFor()
    await openHousehold(page, id)
    await page.getByTestId('btn-step-dwelling').click()
    expect(await page.getByTestId('field-dwelling.floorAreaM2').inputValue()).toBe('33.5')
    await closeHousehold(page)
  })

  it('is written when the app goes to the background while the field still has focus', async () => {
    const { page } = await e.newPhone()
    await page.goto(e.baseUrl)
    await e.login(page)
    const id = await openHousehold(page)
    await page.getByTestId('btn-step-dwelling').click()
    await page.getByTestId('field-dwelling.floorAreaM2').fill('44.5')
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' })
      document.dispatchEvent(new Event('visibilitychange'))
    })
    await expect
      .poll(async () => (await serverHousehold(e.server, id))?.dwelling.floorAreaM2, { timeout: 90_000 })
      .toBe(44.5)
    // the app is killed in the background: a reload without any blur keeps the value too
    await page.reload()
    await unlock(page)
    await openHousehold(page, id)
    await page.getByTestId('btn-step-dwelling').click()
    expect(await page.getByTestId('field-dwelling.floorAreaM2').inputValue()).toBe('44.5')
  })
})
