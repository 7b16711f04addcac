// The language choice is a device setting: English chosen on the sign-in screen survives a reload, and it is kept in
// one place only (the device's settings in IndexedDB), so there is no second copy to disagree with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startE2E, type E2E } from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.stop()
})

describe('language choice', () => {
  it('survives a reload and is stored once, in the device settings', async () => {
    const { page } = await e.newPhone()
    await page.goto(e.baseUrl)
    await page.getByTestId('login-form').waitFor()
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('vi')
    const vietnamese = await page.getByTestId('btn-lang').textContent()

    await page.getByTestId('btn-lang').click()
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en')
    const setting = () =>
      page.evaluate(() => {
        const w = window as unknown as {
          __rasoat: { device: { summary: { getSetting(k: string): Promise<unknown> } } }
        }
        return w.__rasoat.device.summary.getSetting('locale')
      })
    await expect.poll(setting).toBe('en')
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([])

    await page.reload()
    await page.getByTestId('login-form').waitFor()
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en')
    expect(await page.getByTestId('btn-lang').textContent()).not.toBe(vietnamese)
  })
})
