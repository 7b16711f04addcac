// A refused edit in real Chromium: an offline edit sent together with a crafted write outside the household layout
// is refused by the server (sync/layout-violation). The household shows the reason (also after a reload), the status
// bar counts it apart and never says synced, and "go back to the server's value" drops the local edits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  closeHousehold,
  editOffline,
  openHousehold,
  serverHousehold,
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

/** A Yjs update writing a root the household layout does not have. */
function foreignRootUpdate(): number[] {
  const doc = new Y.Doc()
  doc.getMap('evil').set('x', 1)
  return [...Y.encodeStateAsUpdate(doc)]
}

describe('refused edit', () => {
  it('shows the refusal on the household and in the status bar, survives a reload, and goes back to the server value', async () => {
    const phone = await e.newPhone()
    const { page, context } = phone
    await page.goto(e.baseUrl)
    await e.login(page)
    await waitForServiceWorker(page)
    const bar = page.getByTestId('status-bar')

    const id = await editOffline(phone, '77.5')
    const serverArea = (await serverHousehold(e.server, id))?.dwelling.floorAreaM2
    expect(serverArea).not.toBe(77.5)
    // The crafted write joins the household's outbox; both go in one update, which the server refuses as a whole.
    await page.evaluate(
      async ([householdId, bytes]) => {
        const w = window as unknown as {
          __rasoat: {
            device: {
              summary: { appendOutbox(e: unknown[], now: number): Promise<unknown[]> }
              index: { put(rows: unknown[]): void }
            }
          }
        }
        const { summary, index } = w.__rasoat.device
        index.put(
          await summary.appendOutbox(
            [{ householdId, update: new Uint8Array(bytes as number[]), createdAt: Date.now() }],
            Date.now(),
          ),
        )
      },
      [id, foreignRootUpdate()] as const,
    )

    await context.setOffline(false)
    await page
      .locator('[data-testid="status-bar"][data-refused="1"][data-phase="refused"]')
      .waitFor({ timeout: 90_000 })
    expect(await page.getByTestId('sync-phase').textContent()).toBe('Có thay đổi bị máy chủ từ chối')
    expect(await page.getByTestId('refused-count').textContent()).toBe('1 bị từ chối')
    expect(await bar.getAttribute('data-unsynced')).toBe('0')
    expect(await page.locator(`[data-testid="household-row"][data-id="${id}"]`).getAttribute('data-sync')).toBe('error')

    // Stored: a reload still shows it (the session re-sends once, is refused again, and never says synced).
    await page.reload()
    await unlock(page)
    await page
      .locator('[data-testid="status-bar"][data-refused="1"][data-phase="refused"]')
      .waitFor({ timeout: 90_000 })
    await openHousehold(page, id)
    const banner = page.getByTestId('refused-edit')
    await banner.waitFor()
    expect(await banner.getAttribute('data-code')).toBe('sync/layout-violation')
    expect(await banner.textContent()).toContain('Dữ liệu không đúng cấu trúc phiếu')
    await page.getByTestId('btn-step-dwelling').click()
    expect(await page.getByTestId('field-dwelling.floorAreaM2').inputValue()).toBe('77.5')

    await page.getByTestId('btn-refused-go-back').click()
    await page.getByTestId('btn-refused-confirm').click()
    // The form comes back with the server's value; nothing refused or unsynced is left.
    await page.locator(`[data-testid="household-screen"][data-id="${id}"]`).waitFor()
    await page.getByTestId('survey').waitFor()
    await page.getByTestId('btn-step-dwelling').click()
    await expect.poll(() => page.getByTestId('field-dwelling.floorAreaM2').inputValue()).toBe(String(serverArea))
    expect(await page.getByTestId('refused-edit').count()).toBe(0)
    await page.locator('[data-testid="status-bar"][data-phase="synced"][data-refused="0"][data-unsynced="0"]').waitFor()
    await closeHousehold(page)
    expect(await page.locator(`[data-testid="household-row"][data-id="${id}"]`).getAttribute('data-sync')).toBe(
      'synced',
    )
    expect((await serverHousehold(e.server, id))?.dwelling.floorAreaM2).toBe(serverArea)
  })
})
