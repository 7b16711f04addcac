// Income evidence on the phone (headless Chromium, real server): giving a Phiếu B1 score beside a per-capita income and
// taking it away again never erases the 1,200,000 đ already entered, and the category never moves (per-capita decides).
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverHousehold, startE2E, type E2E } from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.stop()
})

const tid = (page: Page, id: string) => page.getByTestId(id)
async function type(page: Page, path: string, value: string): Promise<void> {
  const input = tid(page, `field-${path}`)
  await input.fill(value)
  await input.blur() // written on change/blur
}
const category = (page: Page) => tid(page, 'classification-summary').getAttribute('data-category')

describe('income evidence', () => {
  it('IN3 1,200,000 đ per person stays through entering a B1 score and removing it; the category never changes', async () => {
    const { page } = await e.newPhone()
    await e.login(page)
    await tid(page, 'filter-status').selectOption('assigned')
    const row = tid(page, 'household-row').first()
    const id = (await row.getAttribute('data-id')) ?? ''
    await row.click()
    await tid(page, 'btn-quick-continue').click()
    await tid(page, 'member-0').waitFor({ timeout: 90_000 })
    await tid(page, 'btn-step-income').click()

    await type(page, 'income.perCapitaMonthly', '1.200.000')
    await expect.poll(() => category(page)).not.toBe('incomplete')
    const before = await category(page)

    // The B1 score is entered too (it says "above the line"): the per-capita figure is kept and still decides.
    await type(page, 'income.b1Score', '190')
    expect(await tid(page, 'field-income.perCapitaMonthly').inputValue()).toBe('1.200.000')
    await tid(page, 'income-disagree').waitFor()
    expect(await category(page)).toBe(before)

    // And taken away again.
    await type(page, 'income.b1Score', '')
    expect(await tid(page, 'field-income.perCapitaMonthly').inputValue()).toBe('1.200.000')
    expect(await tid(page, 'income-disagree').count()).toBe(0)
    expect(await category(page)).toBe(before)

    // Leaving the step and coming back shows the same, and the server has the figure.
    await tid(page, 'btn-step-result').click()
    // The result names the standard as people say it, not by its id.
    expect(await tid(page, 'classification-standard').textContent()).toContain(
      'Nghị định 07/2021/NĐ-CP, giai đoạn 2022–2025',
    )
    await tid(page, 'btn-step-income').click()
    expect(await tid(page, 'field-income.perCapitaMonthly').inputValue()).toBe('1.200.000')
    await expect
      .poll(async () => (await serverHousehold(e.server, id))?.income, { timeout: 90_000 })
      .toEqual({ perCapitaMonthly: 1_200_000 })
  })
})
