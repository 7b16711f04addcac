// The review-period tab in desktop Chromium against the real server and the demo seed: the admin opens 2026 from the
// form (the list is carried, the count shown), makes it current and closes 2025 after confirming; an observer reads the
// same rows without any action; a carried record's panel shows both periods. With SCREENSHOTS=1 it writes
// docs/screenshots/console-periods.png and console-period-history.png.
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ROOT, startE2E, type E2E, openConsole } from './harness.ts'

const SHOTS = process.env.SCREENSHOTS === '1'
let e: E2E
const contexts: BrowserContext[] = []
const pageErrors: string[] = []

async function consolePage(username: string): Promise<Page> {
  const { page, context } = await openConsole(e, username, { hash: '#periods', pageErrors })
  contexts.push(context)
  await page.getByTestId('console-tab-periods').click()
  await page.getByTestId('periods').waitFor()
  return page
}

beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined)
  await e?.stop()
  expect(pageErrors).toEqual([])
})

it('PE-UI1 the admin opens 2026, makes it current and closes 2025; an observer only reads', async () => {
  const db = e.server.db
  const toCarry = db
    .prepare(
      `SELECT COUNT(*) FROM households WHERE period = '2025' AND (category IN ('poor', 'near_poor') OR admission = 'approved')`,
    )
    .pluck()
    .get() as number
  expect(toCarry).toBeGreaterThan(0)

  const page = await consolePage('admin1')
  const row = (id: string) => page.locator(`[data-testid="period-row"][data-period="${id}"]`)
  await row('2025').waitFor()
  // The form suggests the next year, its standard and 1 September, following the current period.
  expect(await page.locator('input[name="id"]').inputValue()).toBe('2026')
  expect(await page.locator('select[name="standard"]').inputValue()).toBe('ND07_2022_2025')
  await page.getByTestId('period-open').click()
  await page.getByTestId('periods-notice').waitFor()
  expect(await page.getByTestId('periods-notice').textContent()).toContain(toCarry.toLocaleString('vi-VN'))
  await row('2026').waitFor()
  expect(db.prepare(`SELECT COUNT(*) FROM households WHERE period = '2026'`).pluck().get()).toBe(toCarry)

  await row('2026').getByTestId('period-current').click()
  await page.locator('[data-testid="period-row"][data-period="2026"][data-current="true"]').waitFor()
  await row('2025').getByTestId('period-close').click()
  await page.getByTestId('period-close-confirm').waitFor()
  if (SHOTS) await page.screenshot({ path: join(ROOT, 'docs/screenshots/console-periods.png'), fullPage: true })
  await page.getByTestId('period-close-yes').click()
  await page.locator('[data-testid="period-row"][data-period="2025"][data-status="closed"]').waitFor()
  expect(db.prepare(`SELECT status FROM periods WHERE id = '2025'`).pluck().get()).toBe('closed')

  // A carried record's panel shows the household across both periods, the record being viewed marked.
  const [previous, carried] = db
    .prepare(`SELECT previous_id, id FROM households WHERE period = '2026' ORDER BY id LIMIT 1`)
    .raw()
    .get() as [string, string]
  await page.evaluate(
    (hid) =>
      (window as unknown as { __rasoat: { app: { openHousehold(id: string): void } } }).__rasoat.app.openHousehold(hid),
    carried,
  )
  await page.locator('[data-testid="panel-period"][data-period="2025"]').waitFor()
  const records = page.getByTestId('panel-period')
  expect(await records.count()).toBe(2)
  expect(await records.nth(1).getAttribute('data-period')).toBe('2026')
  expect(await records.nth(1).textContent()).toContain('hồ sơ đang xem')
  expect(db.prepare('SELECT period FROM households WHERE id = ?').pluck().get(previous)).toBe('2025')
  if (SHOTS)
    await page
      .getByTestId('panel-periods')
      .screenshot({ path: join(ROOT, 'docs/screenshots/console-period-history.png') })

  const observer = await consolePage('obs1')
  await observer.locator('[data-testid="period-row"][data-period="2026"]').waitFor()
  expect(await observer.getByTestId('period-open-form').count()).toBe(0)
  expect(await observer.getByTestId('period-current').count()).toBe(0)
  expect(await observer.getByTestId('period-close').count()).toBe(0)
})
