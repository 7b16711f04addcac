// The result screen on a 360 px phone (headless Chromium, real server): a long "still missing" list wraps instead of
// widening the page, and tapping a missing item opens that member's editor with the field focused.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PHONE, startE2E, type E2E } from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.stop()
})

const tid = (page: Page, id: string) => page.getByTestId(id)

/** Opens an assigned household, continues Phiếu A, adds a member who has answered nothing yet; returns their index. */
async function householdWithBlankMember(page: Page): Promise<number> {
  await e.login(page)
  await tid(page, 'filter-status').selectOption('assigned')
  await tid(page, 'household-row').first().click()
  await tid(page, 'btn-quick-continue').click()
  await tid(page, 'member-0').waitFor({ timeout: 90_000 })
  const n = await page.locator('[data-testid^="member-"]').count()
  await tid(page, 'btn-add-member').click()
  await tid(page, 'btn-member-done').click()
  await tid(page, 'btn-step-result').click()
  await tid(page, 'submit-missing').waitFor()
  return n
}

describe('result screen', () => {
  it('a long missing-item list wraps: the page is never wider than the 360 px phone', async () => {
    const { page } = await e.newPhone()
    const n = await householdWithBlankMember(page)
    expect(n).toBeGreaterThan(0)
    // The document, and the app's scrolling area the form lives in (the shell scrolls its content), fit the phone.
    const widths = await page.evaluate(() => {
      let scroller = document.querySelector('[data-testid="survey"]')?.parentElement ?? null
      while (scroller && getComputedStyle(scroller).overflowX === 'visible') scroller = scroller.parentElement
      const items = [...document.querySelectorAll('[data-testid="submit-missing"] li')].map(
        (el) => el.getBoundingClientRect().right,
      )
      return {
        document: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
        scrollingArea: scroller?.scrollWidth ?? 0,
        widestItemRight: Math.max(...items),
      }
    })
    expect(widths.document).toBeLessThanOrEqual(PHONE.width)
    expect(widths.scrollingArea).toBeLessThanOrEqual(PHONE.width)
    expect(widths.widestItemRight).toBeLessThanOrEqual(PHONE.width)
  })

  it('tapping a missing item opens that member’s editor with the field focused', async () => {
    const { page } = await e.newPhone()
    const n = await householdWithBlankMember(page)
    await page.locator(`[data-testid="missing-item"][data-field="members.${n}.sex"]`).click()
    await tid(page, `field-members.${n}.sex`).waitFor()
    await expect
      .poll(() =>
        page.evaluate(
          (path) => document.activeElement?.closest(`[data-testid="field-${path}"]`) !== null,
          `members.${n}.sex`,
        ),
      )
      .toBe(true)

    // Another item of the same member: the editor opens at that field (the name input itself has the focus).
    await tid(page, 'btn-step-result').click()
    await page.locator(`[data-testid="missing-item"][data-field="members.${n}.fullName"]`).click()
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe(`field-members.${n}.fullName`)
  })
})
