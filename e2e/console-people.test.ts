// People and areas through the console at desktop size: the admin creates an enumerator of a commune with a generated
// password (shown once), assigns a village on the areas tab, and the new enumerator signs in on a phone and finds that
// village's households. With SCREENSHOTS=1 it writes docs/screenshots/console-users.png.
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, startE2E, type E2E, openConsole } from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.stop()
})

const SHOTS = process.env.SCREENSHOTS === '1'
const tid = (page: Page, id: string) => page.getByTestId(id)

describe('people and areas in the console', () => {
  it('admin creates an enumerator, assigns a village, and the new user signs in and sees its households', async () => {
    // A village nobody holds yet, with households of the current period.
    const village = e.server.db
      .prepare(
        `SELECT v.id, v.unit_code AS unit, v.name,
                (SELECT COUNT(*) FROM households h WHERE h.village_id = v.id AND h.period = p.id) AS n
         FROM villages v, periods p WHERE p.is_current = 1
           AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.village_id = v.id) AND n > 0
         ORDER BY v.id LIMIT 1`,
      )
      .get() as { id: string; unit: string; name: string; n: number }
    expect(village).toBeDefined()

    const { page: desk, context } = await openConsole(e, 'admin1', {
      hash: '#people',
      viewport: { width: 1280, height: 860 }, // the size of docs/screenshots/console-users.png
    })
    await tid(desk, 'people-create').waitFor()

    await tid(desk, 'new-username').fill('nguyen.my')
    await tid(desk, 'new-display-name').fill('Nguyễn Thị Mỹ')
    await tid(desk, 'new-role').selectOption('enumerator')
    await tid(desk, 'new-unit').selectOption(village.unit)
    await tid(desk, 'new-generate').click()
    await tid(desk, 'new-submit').click()
    const shown = tid(desk, 'people-password')
    await shown.waitFor()
    const password = (await shown.getAttribute('data-password')) ?? ''
    expect(password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/)

    // Diacritics never block a search: "nguyen my" finds "Nguyễn Thị Mỹ".
    await tid(desk, 'people-search').fill('nguyen my')
    await desk.locator('[data-testid="people-table"][data-query="nguyen my"]').waitFor({ state: 'attached' })
    expect(await tid(desk, 'people-row').count()).toBe(1)
    expect(await tid(desk, 'people-row').getAttribute('data-username')).toBe('nguyen.my')
    await tid(desk, 'people-search').fill('')
    await desk.locator('[data-testid="people-table"][data-query=""]').waitFor({ state: 'attached' })
    await desk.locator('[data-testid="people-row"][data-username="enum1"]').waitFor()
    // The console scrolls inside its own pane: a taller window shows the user table under the form.
    await desk.setViewportSize({ width: 1280, height: 1200 })
    if (SHOTS) await desk.screenshot({ path: join(ROOT, 'docs/screenshots/console-users.png') })
    await desk.setViewportSize({ width: 1280, height: 860 })

    // Areas: the commune's villages; assign the village to the new enumerator.
    await tid(desk, 'console-tab-areas').click()
    await tid(desk, 'console-unit').selectOption(village.unit)
    const row = desk.locator(`[data-testid="village-row"][data-id="${village.id}"]`)
    const me = (e.server.db.prepare("SELECT id FROM users WHERE username = 'nguyen.my'").pluck().get() as string) ?? ''
    await row.getByTestId('village-assign').selectOption(me)
    await row.locator('[data-testid="village-enumerator"][data-username="nguyen.my"]').waitFor()

    // The audit tab shows both actions.
    await tid(desk, 'console-tab-audit').click()
    await desk.locator('[data-testid="audit-row"][data-action="village-assign"]').waitFor()
    await desk.locator('[data-testid="audit-row"][data-action="user-create"]').waitFor()
    await context.close()

    // The new enumerator signs in on a phone and gets exactly that village's households.
    const { page: phone } = await e.newPhone()
    await phone.goto(e.baseUrl)
    await e.login(phone, { username: 'nguyen.my', password })
    await phone.locator('[data-testid="household-row"]').first().waitFor()
    const ids = await phone
      .locator('[data-testid="household-row"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id') ?? ''))
    const inVillage = new Set(
      e.server.db.prepare('SELECT id FROM households WHERE village_id = ?').pluck().all(village.id) as string[],
    )
    expect(ids.length).toBeGreaterThan(0)
    expect(ids.every((id) => inVillage.has(id))).toBe(true)
  })
})
