// Two tabs share one sync socket (Web Lock leader). A tab that signed in again while another tab led must take over
// the socket when the leading tab closes; a stale lock request of its old session must not hold the lock forever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD, openHousehold, serverHousehold, setFloorArea, startE2E, unlock, type E2E } from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.stop()
})

describe('sync leader tab', () => {
  it('a follower tab that signed in again becomes the leader when the leading tab closes', async () => {
    const { page, context } = await e.newPhone()
    await page.goto(e.baseUrl)
    await e.login(page)
    const second = await context.newPage()
    await second.goto(e.baseUrl)
    await unlock(second)
    // the follower's session ends and the user signs in again in that tab
    await second.evaluate(() =>
      (window as unknown as { __rasoat: { app: { signInAgain(): void } } }).__rasoat.app.signInAgain(),
    )
    await second.getByTestId('login-password').fill(DEMO_PASSWORD)
    await second.getByTestId('btn-login').click()
    await second.getByTestId('household-list').waitFor()
    await page.close()
    await second.locator('[data-testid="status-bar"][data-phase="synced"]').waitFor({ timeout: 90_000 })
    const id = await openHousehold(second)
    await setFloorArea(second, '55.5')
    await expect
      .poll(async () => (await serverHousehold(e.server, id))?.dwelling.floorAreaM2, { timeout: 90_000 })
      .toBe(55.5)
    await second.locator('[data-testid="save-state"][data-state="synced"]').waitFor({ timeout: 90_000 })
  })
})
