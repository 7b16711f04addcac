// The conflict queue end to end: two phones set the floor area of one household offline, both sync; the admin opens
// the console's conflict queue, sees the question and the values in words, opens the detail (with SCREENSHOTS=1 a screenshot for the docs)
// and keeps one value; the phone shows the conflict resolved, by whom and with which value, in words.
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { editOffline, openHousehold, ROOT, startE2E, waitForServiceWorker, type E2E, openConsole } from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.stop()
})

const SHOTS = process.env.SCREENSHOTS === '1'
const tid = (page: Page, id: string) => page.getByTestId(id)
/** The size of docs/screenshots/console-conflicts.png. */
const SHOT_VIEWPORT = { width: 1280, height: 800 }

describe('console conflict queue', () => {
  it('two phones edit one field offline → the admin keeps one in the queue, in words → the phone shows it resolved in words', async () => {
    const one = await e.newPhone()
    const two = await e.newPhone()
    for (const p of [one, two]) {
      await p.page.goto(e.baseUrl)
      await e.login(p.page)
      await waitForServiceWorker(p.page)
    }
    const id = (await one.page.getByTestId('household-row').first().getAttribute('data-id'))!
    await editOffline(one, '50', id)
    await editOffline(two, '25', id)
    for (const p of [one, two]) {
      await p.context.setOffline(false)
      await p.page
        .locator('[data-testid="status-bar"][data-phase="synced"][data-unsynced="0"]')
        .waitFor({ timeout: 30_000 })
    }
    // the first phone is told and shows the open conflict in words
    await openHousehold(one.page, id)
    const notice = tid(one.page, 'household-conflicts')
    await notice.waitFor({ timeout: 30_000 })
    expect(await notice.textContent()).toMatch(
      /Diện tích sàn \(m²\): (50 m² \/ 25 m²|25 m² \/ 50 m²) — đang giữ (50|25) m²/,
    )
    expect(await notice.textContent()).not.toContain('dwelling.')

    const { page: desk, context } = await openConsole(e, 'admin1', { hash: '#conflicts', viewport: SHOT_VIEWPORT })
    const row = desk.locator('[data-testid="conflict-row"][data-status="open"]').first()
    await row.waitFor({ timeout: 30_000 })
    expect(await row.getByTestId('conflict-row-question').textContent()).toBe('Diện tích sàn (m²)')
    await row.click()
    const detail = tid(desk, 'conflict-detail')
    await detail.waitFor()
    expect(await tid(desk, 'conflict-question').textContent()).toBe('Diện tích sàn (m²)')
    const candidates = detail.getByTestId('conflict-candidate')
    expect((await candidates.allTextContents()).map((x) => x.match(/\d+ m²/)?.[0]).sort()).toEqual(['25 m²', '50 m²'])
    await desk.evaluate(() => window.scrollTo(0, 0))
    if (SHOTS) await desk.screenshot({ path: join(ROOT, 'docs/screenshots/console-conflicts.png'), fullPage: true })

    const keep25 = candidates.filter({ hasText: '25 m²' }).getByTestId('conflict-keep')
    await keep25.click()
    await expect.poll(() => tid(desk, 'conflict-outcome').textContent()).toContain('Đã giải quyết')

    // the phone: the value arrives, the open notice goes, the settled one says who chose what
    const settled = tid(one.page, 'household-conflicts-settled')
    await settled.waitFor({ timeout: 30_000 })
    expect(await settled.textContent()).toMatch(/Diện tích sàn \(m²\): .+ đã chọn 25 m²/)
    expect(await tid(one.page, 'household-conflicts').count()).toBe(0)
    await one.page.getByTestId('btn-step-dwelling').click()
    await expect.poll(() => one.page.getByTestId('field-dwelling.floorAreaM2').inputValue()).toBe('25')
    await tid(one.page, 'btn-conflict-seen').click()
    await settled.waitFor({ state: 'detached' })
    await context.close()

    // the commune's supervisor reads the queue (the settled conflict, in words) but has no actions
    const { page: sup, context: supContext } = await openConsole(e, 'sup1', { hash: '#conflicts' })
    await tid(sup, 'conflicts-read-only').waitFor({ timeout: 30_000 })
    await tid(sup, 'conflicts-status').selectOption('resolved')
    await sup.locator('[data-testid="conflict-row"][data-status="resolved"]').first().click({ timeout: 30_000 })
    expect(await tid(sup, 'conflict-settled').textContent()).toMatch(/Đã giải quyết: .+ chọn 25 m²/)
    expect(await tid(sup, 'conflict-keep').count()).toBe(0)
    expect(await tid(sup, 'conflicts-bulk').count()).toBe(0)
    await supContext.close()
  })
})
