// Reassignment mid-work in real Chromium: phone A edits a household offline, the supervisor moves it to enumerator B
// through the route, phone B signs in and receives it; when A comes back online its edit is stored (attributed to A)
// and reaches B live, and only then does the household leave phone A. Nothing is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser } from '../server/auth/users.ts'
import {
  DEMO_PASSWORD,
  editOffline,
  openHousehold,
  serverHousehold,
  startE2E,
  waitForServiceWorker,
  type E2E,
} from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.stop()
})

describe('reassignment', () => {
  it("a household moved mid-work: A's offline edit is stored and reaches B, then the household leaves A", async () => {
    const db = e.server.db
    // Enumerator B works in a new, still empty village of the supervisor's commune.
    const unit = db.prepare("SELECT unit_code FROM users WHERE username = 'sup1'").pluck().get() as string
    db.prepare('INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?)').run(
      'e2e-moved-to',
      unit,
      'Tổ dân phố Mới',
    )
    const b = await createUser(db, {
      username: 'enum2',
      password: DEMO_PASSWORD,
      role: 'enumerator',
      villages: ['e2e-moved-to'],
      displayName: 'Lê Văn Bình',
    })
    const aId = db.prepare("SELECT id FROM users WHERE username = 'enum1'").pluck().get() as string

    const phoneA = await e.newPhone()
    await phoneA.page.goto(e.baseUrl)
    await e.login(phoneA.page)
    await waitForServiceWorker(phoneA.page)
    const row = (id: string) => phoneA.page.locator(`[data-testid="household-row"][data-id="${id}"]`)

    // Mid-work: A edits offline; meanwhile the supervisor moves that household to B.
    const id = await editOffline(phoneA, '61.5')
    expect((await serverHousehold(e.server, id))?.dwelling.floorAreaM2).not.toBe(61.5)
    expect(await phoneA.page.getByTestId('status-bar').getAttribute('data-unsynced')).toBe('1')
    const res = await fetch(`${e.baseUrl}/api/assignments/move`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await e.apiToken('sup1')}` },
      body: JSON.stringify({ households: [id], from: aId, to: b.id }),
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ households: 1, released: 1 })

    // B signs in and holds the household (A's edit has not arrived yet).
    const phoneB = await e.newPhone()
    await phoneB.page.goto(e.baseUrl)
    await e.login(phoneB.page, 'enum2')
    await openHousehold(phoneB.page, id)
    await phoneB.page.getByTestId('btn-step-dwelling').click()
    const areaOnB = phoneB.page.getByTestId('field-dwelling.floorAreaM2')

    // A comes back: the edit is pushed and ACKed, then the household leaves A's list; nothing unsynced or refused stays.
    await phoneA.context.setOffline(false)
    await phoneA.page
      .locator('[data-testid="status-bar"][data-phase="synced"][data-unsynced="0"][data-refused="0"]')
      .waitFor({ timeout: 90_000 })
    await expect.poll(() => row(id).count(), { timeout: 90_000 }).toBe(0)
    expect((await serverHousehold(e.server, id))?.dwelling.floorAreaM2).toBe(61.5)
    const authors = db
      .prepare("SELECT DISTINCT user_id FROM doc_log WHERE household_id = ? AND user_id NOT IN ('seed')")
      .pluck()
      .all(id)
    expect(authors).toEqual([aId])

    // B, with the household open, receives A's edit live.
    await expect.poll(() => areaOnB.inputValue(), { timeout: 90_000 }).toBe('61.5')
  })
})
