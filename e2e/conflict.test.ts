// Two phones edit the same field of the same household while offline; both reconnect; the server records exactly
// one conflict with both values (GET /api/conflicts as admin), and the phones show it on the household.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { editOffline, openHousehold, startE2E, waitForServiceWorker, type E2E } from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.stop()
})

interface ConflictJson {
  id: number
  householdId: string
  path: string
  candidates: { value: unknown }[]
  status: string
}

describe('concurrent offline edits', () => {
  it('two phones set one field to different values offline → one conflict with both values', async () => {
    const one = await e.newPhone()
    const two = await e.newPhone()
    for (const p of [one, two]) {
      await p.page.goto(e.baseUrl)
      await e.login(p.page)
      await waitForServiceWorker(p.page)
    }
    const id = (await one.page.getByTestId('household-row').first().getAttribute('data-id'))!
    for (const [p, value] of [
      [one, '40'],
      [two, '55'],
    ] as const)
      await editOffline(p, value, id)
    for (const p of [one, two]) {
      await p.context.setOffline(false)
      await p.page
        .locator('[data-testid="status-bar"][data-phase="synced"][data-unsynced="0"]')
        .waitFor({ timeout: 90_000 })
    }

    const token = await e.apiToken('admin1')
    let conflicts: ConflictJson[] = []
    await expect
      .poll(async () => {
        const res = await fetch(`${e.baseUrl}/api/conflicts?household=${id}`, {
          headers: { authorization: `Bearer ${token}` },
        })
        conflicts = ((await res.json()) as { conflicts: ConflictJson[] }).conflicts.filter((c) => c.householdId === id)
        return conflicts.length
      })
      .toBe(1)
    expect(conflicts[0]!.path).toBe('dwelling.floorAreaM2')
    expect(conflicts[0]!.candidates.map((c) => c.value).sort()).toEqual([40, 55])

    // the writers' phones were told (CONFLICT) and mark the household
    await expect
      .poll(() => one.page.locator(`[data-testid="household-row"][data-id="${id}"]`).getAttribute('data-sync'))
      .toBe('conflict')
    await openHousehold(one.page, id)
    const notice = await one.page.getByTestId('household-conflicts').textContent()
    expect(notice).toContain('Diện tích sàn (m²): ')
    expect(notice).not.toContain('dwelling.floorAreaM2')

    // the admin picks a value: it reaches the phones and the conflict notice goes away
    const res = await fetch(`${e.baseUrl}/api/conflicts/${conflicts[0]!.id}/resolve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ value: 47 }),
    })
    expect(res.status).toBe(200)
    await one.page.getByTestId('btn-step-dwelling').click()
    await expect.poll(() => one.page.getByTestId('field-dwelling.floorAreaM2').inputValue()).toBe('47')
    await expect.poll(() => one.page.getByTestId('household-conflicts').count()).toBe(0)
    await expect
      .poll(() => two.page.locator(`[data-testid="household-row"][data-id="${id}"]`).getAttribute('data-sync'))
      .toBe('synced')
  })
})
