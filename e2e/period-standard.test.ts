// A period names its standard (headless Chromium, real server): an admin opens 2026 under ND351 and makes it current;
// the enumerator's phone, after its sync, classifies a carried household with ND351 and names it on the result screen,
// although the year 2026 alone would pick ND07.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startE2E, type E2E } from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.stop()
})

const tid = (page: Page, id: string) => page.getByTestId(id)

async function asAdmin(path: string, body: unknown): Promise<number> {
  const token = await e.apiToken('admin1')
  const res = await fetch(e.baseUrl + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return res.status
}

describe("the period's standard on the phone", () => {
  it('a household of a 2026 period opened under ND351 shows ND351 by name on the result screen', async () => {
    expect(
      await asAdmin('/api/periods', { id: '2026', standard: 'ND351_2027_2030', referenceDate: '2026-09-01' }),
    ).toBe(201)
    expect(await asAdmin('/api/periods/2026/current', {})).toBe(200)

    const { page } = await e.newPhone()
    await e.login(page)
    await tid(page, 'household-row').first().click()
    await tid(page, 'survey').waitFor({ timeout: 90_000 })
    if (await tid(page, 'btn-quick-continue').isVisible()) await tid(page, 'btn-quick-continue').click()
    await tid(page, 'btn-step-result').click()
    const standard = tid(page, 'classification-standard')
    await standard.waitFor({ timeout: 90_000 })
    expect(await standard.getAttribute('data-standard')).toBe('ND351_2027_2030')
    expect(await standard.textContent()).toContain('Nghị định 351/2025/NĐ-CP')
  })
})
