// Offline work in real Chromium: network off → edit → reload with no network (service worker shell, offline unlock)
// → the edit is still there, "saved on phone" → network on → sync by itself → the server has it, "synced".
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  closeHousehold,
  editOffline,
  openHousehold,
  serverHousehold,
  setFloorArea,
  startE2E,
  unlock,
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

describe('offline editing', () => {
  it('keeps an edit made offline across an offline reload and syncs it when the network returns', async () => {
    const phone = await e.newPhone()
    const { page, context } = phone
    await page.goto(e.baseUrl)
    await e.login(page)
    await waitForServiceWorker(page)

    const id = await editOffline(phone, '42.5')
    const row = page.locator(`[data-testid="household-row"][data-id="${id}"]`)
    expect(await row.getAttribute('data-sync')).toBe('saved')
    expect(await row.getByTestId('row-sync').textContent()).toBe('đã lưu trên máy')

    // a real disconnect: reload with the network off (TOOLCHAIN trap 4); the shell comes from the service worker
    await page.reload()
    await unlock(page)
    expect(await page.locator(`[data-testid="household-row"][data-id="${id}"]`).getAttribute('data-sync')).toBe('saved')
    expect(Number(await page.getByTestId('status-bar').getAttribute('data-unsynced'))).toBeGreaterThan(0)
    expect(await page.getByTestId('unsynced-count').textContent()).toMatch(/^\d+ chưa đồng bộ$/)
    await openHousehold(page, id)
    await page.getByTestId('btn-step-dwelling').click()
    expect(await page.getByTestId('field-dwelling.floorAreaM2').inputValue()).toBe('42.5')
    expect((await serverHousehold(e.server, id))?.dwelling.floorAreaM2).not.toBe(42.5)

    await context.setOffline(false)
    await page.locator('[data-testid="save-state"][data-state="synced"]').waitFor({ timeout: 90_000 })
    expect((await serverHousehold(e.server, id))?.dwelling.floorAreaM2).toBe(42.5)
    await closeHousehold(page)
    expect(await page.locator(`[data-testid="household-row"][data-id="${id}"]`).getAttribute('data-sync')).toBe(
      'synced',
    )
  })

  it('two tabs on one phone share one sync socket; an edit in the second tab is sent by the first', async () => {
    const { page, context } = await e.newPhone()
    await page.goto(e.baseUrl)
    await e.login(page)
    const sockets: string[] = []
    context.on('page', (p) => p.on('websocket', (ws) => sockets.push(ws.url())))
    const second = await context.newPage()
    await second.goto(e.baseUrl)
    await unlock(second)
    const id = await openHousehold(second)
    await setFloorArea(second, '77.5')
    await second.locator('[data-testid="save-state"][data-state="synced"]').waitFor({ timeout: 90_000 })
    expect((await serverHousehold(e.server, id))?.dwelling.floorAreaM2).toBe(77.5)
    expect(sockets).toEqual([])
    // the first tab's list learns the row changed (summary reloaded from the shared database)
    await expect
      .poll(() => page.locator(`[data-testid="household-row"][data-id="${id}"]`).getAttribute('data-sync'))
      .toBe('synced')
    await second.close()
  })
})
