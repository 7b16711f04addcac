// Phone-size (360×740) screenshots of the shell for docs/screenshots/: login, list, search, offline list, refused
// logout, diagnostics, and the household header over the form. The form and classification shots (form.png,
// classification.png) come from e2e/survey.test.ts. Run: `npx tsx e2e/screenshots.ts`.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { closeHousehold, openHousehold, ROOT, setFloorArea, startE2E, waitForServiceWorker } from './harness.ts'

const out = join(ROOT, 'docs/screenshots')
mkdirSync(out, { recursive: true })
const e = await startE2E()
try {
  const { page, context } = await e.newPhone({ scale: 2 })
  await page.goto(e.baseUrl)
  await page.getByTestId('login-form').waitFor()
  await page.screenshot({ path: join(out, 'login.png') })
  await e.login(page)
  await waitForServiceWorker(page)
  await page.screenshot({ path: join(out, 'list.png') })

  await page.getByTestId('list-search').fill('nguyen van')
  await page.waitForTimeout(200)
  await page.screenshot({ path: join(out, 'list-search.png') })
  await page.getByTestId('list-search').fill('')

  const id = await openHousehold(page)
  await page.getByTestId('btn-step-members').click()
  await page.waitForTimeout(200)
  await page.screenshot({ path: join(out, 'household-open.png') })

  // offline edit: "saved on phone", unsynced count, persistence warning if any
  await context.setOffline(true)
  await page.locator('[data-testid="status-bar"][data-phase="offline"]').waitFor()
  await setFloorArea(page, '27')
  await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor()
  await closeHousehold(page)
  await page.locator(`[data-testid="household-row"][data-id="${id}"][data-sync="saved"]`).waitFor()
  await page.screenshot({ path: join(out, 'list-offline.png') })
  await page.getByTestId('btn-menu').click()
  await page.getByTestId('btn-logout').click()
  await page.getByTestId('notice').waitFor()
  await page.screenshot({ path: join(out, 'logout-refused.png') })
  await page.getByTestId('btn-dismiss').click()
  await page.getByTestId('btn-menu').click()
  await page.getByTestId('nav-diagnostics').click()
  await page.getByTestId('diag-storage').waitFor()
  await page.waitForTimeout(300)
  await page.screenshot({ path: join(out, 'diagnostics.png') })
  await context.setOffline(false)
  console.log(`screenshots written to ${out}`)
} finally {
  await e.stop()
}
