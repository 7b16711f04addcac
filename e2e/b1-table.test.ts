// Phiếu B1 point tables end to end (headless Chromium, real server): before any table the phone's single B1 box and
// its result are marked provisional; an admin loads a table in the console (a bad file shows its error report); the
// enumerator's phone, after its sync and then offline, asks the table's items, scores them live and names the table in
// the result; the server classifies the household the same way. With SCREENSHOTS=1 it writes
// docs/screenshots/b1-console.png and b1-income-step.png.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, serverHousehold, startE2E, type E2E, openConsole } from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.stop()
})

const tid = (page: Page, id: string) => page.getByTestId(id)
const SHOTS = process.env.SCREENSHOTS === '1'
const rural = JSON.parse(readFileSync(join(ROOT, 'docs/examples/b1-table-nd07-rural.json'), 'utf8')) as {
  areaType: string
  version: string
  cutoffs: Record<string, number>
}
const urban = {
  ...rural,
  areaType: 'urban',
  version: 'example-urban-1',
  name: {
    vi: 'Bảng điểm B1 mẫu, thành thị (không phải bảng chính thức)',
    en: 'Example B1 table, urban (not official)',
  },
}
const file = (name: string, json: unknown) => ({
  name,
  mimeType: 'application/json',
  buffer: Buffer.from(JSON.stringify(json)),
})

async function openAssigned(page: Page, n: number): Promise<string> {
  await tid(page, 'filter-status').selectOption('assigned')
  const row = tid(page, 'household-row').nth(n)
  const id = (await row.getAttribute('data-id')) ?? ''
  await row.click()
  await tid(page, 'btn-quick-continue').click()
  await tid(page, 'member-0').waitFor({ timeout: 60_000 })
  await tid(page, 'btn-step-income').click()
  return id
}

describe('B1 point tables', () => {
  it('provisional before a table; after an admin loads one the phone asks its items, scores them and names the table', async () => {
    // Before any table: the single box, marked provisional on screen and in the result.
    const before = await e.newPhone()
    await e.login(before.page)
    await openAssigned(before.page, 0)
    await tid(before.page, 'b1-provisional').waitFor()
    expect(await tid(before.page, 'b1-provisional').textContent()).toContain('tạm thời')
    expect(await tid(before.page, 'b1-items').count()).toBe(0)
    await tid(before.page, 'field-income.b1Score').fill('100')
    await tid(before.page, 'field-income.b1Score').blur()
    await tid(before.page, 'btn-step-result').click()
    expect(await tid(before.page, 'classification-b1').getAttribute('data-source')).toBe('provisional')
    await before.context.close()

    // The admin loads the tables in the console; a bad file first, refused with its error report.
    const { page: desk, context } = await openConsole(e, 'admin1', { hash: '#b1' })
    await tid(desk, 'b1-tables').waitFor({ timeout: 60_000 })
    await tid(desk, 'b1-upload').setInputFiles(
      file('bad.json', { ...rural, cutoffs: { poorAtOrBelow: 150, nearPoorAtOrBelow: 140 } }),
    )
    await tid(desk, 'b1-errors').waitFor()
    expect(await tid(desk, 'b1-errors').textContent()).toContain('$.cutoffs')
    expect(await tid(desk, 'b1-row-ND07_2022_2025-rural').getAttribute('data-version')).toBe('')
    await tid(desk, 'b1-upload').setInputFiles(file('rural.json', rural))
    await tid(desk, 'b1-loaded').waitFor()
    await tid(desk, 'b1-upload').setInputFiles(file('urban.json', urban))
    await expect
      .poll(() => tid(desk, 'b1-row-ND07_2022_2025-urban').getAttribute('data-version'))
      .toBe('example-urban-1')
    expect(await tid(desk, 'b1-row-ND07_2022_2025-rural').getAttribute('data-version')).toBe('example-1')
    if (SHOTS) await desk.screenshot({ path: join(ROOT, 'docs/screenshots/b1-console.png'), fullPage: true })

    // The enumerator's phone syncs (sign-in), then works offline: the table's items, a live score, the table named.
    const phone = await e.newPhone()
    await e.login(phone.page)
    await phone.context.setOffline(true)
    const id = await openAssigned(phone.page, 1)
    const items = tid(phone.page, 'b1-items')
    await items.waitFor({ timeout: 30_000 })
    const version = await items.getAttribute('data-version')
    expect(['example-1', 'example-urban-1']).toContain(version)
    expect(await tid(phone.page, 'b1-table-name').textContent()).toContain(`${version}`)
    const page = phone.page
    // The B1 score decides only without a per-capita figure (the seed may have given one).
    await tid(page, 'field-income.perCapitaMonthly').fill('')
    await tid(page, 'field-income.perCapitaMonthly').blur()
    await tid(page, 'field-b1Answers.household_size').fill('4')
    await tid(page, 'field-b1Answers.household_size').blur()
    await tid(page, 'field-b1Answers.floor').selectOption('cement')
    await tid(page, 'field-b1Answers.cooking_fuel').selectOption('wood')
    expect(await tid(page, 'b1-score').getAttribute('data-score')).toBe('') // not all answered yet
    await tid(page, 'field-b1Answers.motorbikes').fill('1')
    await tid(page, 'field-b1Answers.motorbikes').blur()
    // 35 (4 members) + 20 (cement) + 0 (wood) + 30 (one motorbike)
    await expect.poll(() => tid(page, 'b1-score').getAttribute('data-score')).toBe('85')
    if (SHOTS) {
      await tid(page, 'b1-score').scrollIntoViewIfNeeded()
      await page.screenshot({ path: join(ROOT, 'docs/screenshots/b1-income-step.png') })
    }
    await tid(page, 'btn-step-result').click()
    const named = tid(page, 'classification-b1')
    expect(await named.getAttribute('data-source')).toBe('table')
    expect(await named.textContent()).toContain(`${version}`)
    const category = await tid(page, 'classification-category').evaluate((el) => el.getAttribute('data-category'))
    expect(['poor', 'near_poor']).toContain(category) // 85 ≤ the poor cut-off 120

    // Back online: the server has the computed score and classifies with the same table.
    await phone.context.setOffline(false)
    await expect
      .poll(async () => (await serverHousehold(e.server, id))?.income, { timeout: 60_000 })
      .toEqual({ b1Score: 85 })
    await expect
      .poll(() => e.server.db.prepare('SELECT category FROM households WHERE id = ?').pluck().get(id), {
        timeout: 30_000,
      })
      .toBe(category)

    // The admin's household panel names the table the category rests on.
    await desk.evaluate(
      (hid) =>
        (window as unknown as { __rasoat: { app: { openHousehold(id: string): void } } }).__rasoat.app.openHousehold(
          hid,
        ),
      id,
    )
    const panel = tid(desk, 'panel-b1')
    await panel.waitFor({ timeout: 30_000 })
    expect(await panel.getAttribute('data-source')).toBe('table')
    expect(await panel.textContent()).toContain(`${version}`)
    await context.close()
  })
})
