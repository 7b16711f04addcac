// The supervisor's console in desktop Chromium against the real server and the demo seed: the live map shows the
// commune's pins and moves/recolours one without a reload after an enumerator's acknowledged edit; progress follows
// live; the review queue lists submitted records; a supervisor of another commune sees none of it.
// With SCREENSHOTS=1 it writes docs/screenshots/console-map.png, console-progress.png, console-review-queue.png.
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeviceReplica } from '../server/test-support/household-fixture.ts'
import { SyncClient } from '../server/relay/test-client.ts'
import { HouseholdDoc } from '../shared/doc/household-doc.ts'
import { DEMO_PASSWORD, ROOT, startE2E, type E2E, openConsole } from './harness.ts'

const SHOTS = process.env.SCREENSHOTS === '1'
let e: E2E
const contexts: BrowserContext[] = []
/** Uncaught errors of the console pages: the file fails in afterAll when there were any. */
const pageErrors: string[] = []
let unit = ''
let target: { id: string; lat: number; lng: number; status: string; village_id: string }

async function consolePage(username: string, hash: string): Promise<Page> {
  const { page, context } = await openConsole(e, username, { hash, pageErrors })
  contexts.push(context)
  return page
}

/** enum1's phone as a frame-level /sync client holding `id`. */
async function enumeratorDevice(id: string): Promise<{ c: SyncClient; r: DeviceReplica; userId: string }> {
  const token = await e.apiToken('enum1')
  const c = await SyncClient.connect({ url: e.baseUrl, token, deviceId: 'enum1-console-e2e' })
  const welcome = (await c.hello()) as { userId: string }
  await c.manifest([])
  const r = new DeviceReplica(77_001)
  for (const u of c.updates.get(id) ?? []) r.apply(u)
  return { c, r, userId: welcome.userId }
}

beforeAll(async () => {
  e = await startE2E()
  const db = e.server.db
  unit = db.prepare("SELECT unit_code FROM users WHERE username = 'sup1'").pluck().get() as string
  target = db
    .prepare(
      `SELECT h.id, h.lat, h.lng, h.status, h.village_id FROM households h JOIN assignments a ON a.village_id = h.village_id
       JOIN users u ON u.id = a.user_id WHERE u.username = 'enum1' AND h.lat IS NOT NULL AND h.status IN ('assigned', 'in_progress')
       ORDER BY h.id LIMIT 1`,
    )
    .get() as typeof target
  expect(target).toBeDefined()
})

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined)
  await e?.stop()
  expect(pageErrors).toEqual([])
})

describe('console map', () => {
  it('shows the commune clustered, then a pin moves and changes colour after the enumerator’s edit, without a reload', async () => {
    if (SHOTS) {
      // A few hundred pins of the commune at a zoom where the server still clusters the dense parts.
      const b = e.server.db
        .prepare('SELECT AVG(lat) AS lat, AVG(lng) AS lng FROM households WHERE unit_code = ? AND lat IS NOT NULL')
        .get(unit) as { lat: number; lng: number }
      const overview = await consolePage('sup1', `#map@${b.lat.toFixed(5)},${b.lng.toFixed(5)},15`)
      await overview.locator('[data-testid="map-host"][data-loaded]').waitFor()
      await overview.locator('[data-testid="map-pin"], [data-testid="map-cluster"]').first().waitFor()
      await overview.screenshot({ path: join(ROOT, 'docs/screenshots/console-map.png') })
    }

    const page = await consolePage('sup1', `#map@${target.lat},${target.lng},19`)
    const pin = page.locator(`[data-testid="map-pin"][data-id="${target.id}"]`)
    await pin.waitFor()
    expect(await pin.getAttribute('data-status')).toBe(target.status)
    await page.locator('[data-testid="console-live"][data-connected="true"]').waitFor()
    await page.evaluate(() => Object.assign(window, { __sameDocument: true }))

    const phone = await enumeratorDevice(target.id)
    // ~55 m from its previous position with a 150 m fix: the visit is flagged on the map.
    const moved = { lat: Number((target.lat + 0.0005).toFixed(6)), lng: target.lng }
    expect(phone.r.household.setLocation({ ...moved, accuracyM: 150, capturedAt: new Date().toISOString() })).toEqual({
      ok: true,
    })
    if (target.status === 'assigned')
      expect(phone.r.household.changeStatus('in_progress', { by: phone.userId })).toEqual({ ok: true })
    expect(phone.r.household.changeStatus('submitted', { by: phone.userId })).toEqual({ ok: true })
    expect(await phone.c.sendUpdate(target.id, phone.r.take())).toMatchObject({ type: 'ack' })
    await phone.c.close()

    const after = page.locator(
      `[data-testid="map-pin"][data-id="${target.id}"][data-status="submitted"][data-lat="${moved.lat}"]`,
    )
    await after.waitFor()
    expect((await after.getAttribute('data-flags'))?.split(',')).toEqual(
      expect.arrayContaining(['low-accuracy', 'moved']),
    )
    await after.click()
    await page.getByTestId('map-pin-open').waitFor()
    expect(await page.locator('.leaflet-popup-content').textContent()).toContain('GPS kém chính xác')
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true)
  })

  it('a supervisor of another commune sees none of the commune: no pin on the map, progress and pins refused or empty', async () => {
    const admin = await e.apiToken('admin1')
    const other = e.server.db
      .prepare('SELECT code FROM units WHERE code <> ? ORDER BY code LIMIT 1')
      .pluck()
      .get(unit) as string
    const made = await fetch(`${e.baseUrl}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'sup-other', password: DEMO_PASSWORD, role: 'supervisor', unitCode: other }),
    })
    expect(made.status).toBe(201)
    const token = await e.apiToken('sup-other')
    const progress = await fetch(`${e.baseUrl}/api/progress?unit=${unit}`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(progress.status).toBe(403)

    const page = await consolePage('sup-other', `#map@${target.lat},${target.lng},19`)
    await page.locator('[data-testid="map-host"][data-loaded]').waitFor()
    expect(await page.locator('[data-testid="map-pin"], [data-testid="map-cluster"]').count()).toBe(0)
    // Positive control: the commune's own supervisor sees the same place full of pins.
    const own = await consolePage('sup1', `#map@${target.lat},${target.lng},19`)
    await own.locator(`[data-testid="map-pin"][data-id="${target.id}"]`).waitFor()
  })
})

describe('progress and review queue', () => {
  it('progress lists the villages and enumerators of the commune and follows an edit live', async () => {
    const page = await consolePage('sup1', '#progress')
    const row = page.locator(`[data-testid="progress-village"][data-id="${target.village_id}"]`)
    await row.waitFor()
    const before = Number((await row.locator('[data-col="assigned"]').textContent())?.replace(/\D/g, ''))
    expect(before).toBeGreaterThan(0)
    expect(await page.getByTestId('progress-enumerator').count()).toBeGreaterThan(0)
    const submittedBefore = await row.locator('[data-col="submitted"]').textContent()

    // Another household of the same village submitted on the phone: the submitted count changes without a reload.
    const next = e.server.db
      .prepare(
        "SELECT id, status FROM households WHERE village_id = ? AND status IN ('assigned', 'in_progress') AND id <> ? ORDER BY id LIMIT 1",
      )
      .get(target.village_id, target.id) as { id: string; status: string }
    const phone = await enumeratorDevice(next.id)
    if (next.status === 'assigned') phone.r.household.changeStatus('in_progress', { by: phone.userId })
    phone.r.household.changeStatus('submitted', { by: phone.userId })
    expect(await phone.c.sendUpdate(next.id, phone.r.take())).toMatchObject({ type: 'ack' })
    await phone.c.close()
    await page.waitForFunction(
      ([village, was]) =>
        document.querySelector(`[data-testid="progress-village"][data-id="${village}"] [data-col="submitted"]`)
          ?.textContent !== was,
      [target.village_id, submittedBefore] as const,
    )
    // A phone's report arrives live too.
    const report = await fetch(`${e.baseUrl}/api/devices/report`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await e.apiToken('enum1')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ deviceId: 'phone-lan-01', appVersion: '1.4.0', unsyncedEdits: 3, unsyncedPhotos: 2 }),
    })
    expect(report.status).toBeLessThan(300)
    const device = page.locator('[data-testid="progress-device"][data-id="phone-lan-01"][data-stale="false"]')
    await device.waitFor()
    expect(await device.textContent()).toContain('1.4.0')
    if (SHOTS) await page.screenshot({ path: join(ROOT, 'docs/screenshots/console-progress.png'), fullPage: true })
  })

  it('the review queue lists the submitted records of the commune, filtered by village, with verify and return for a supervisor only', async () => {
    const page = await consolePage('sup1', '#queue')
    await page.locator(`[data-testid="queue-row"][data-id="${target.id}"]`).waitFor()
    if (SHOTS) await page.screenshot({ path: join(ROOT, 'docs/screenshots/console-review-queue.png') })
    expect(
      await page.locator(`[data-testid="queue-row"][data-id="${target.id}"] [data-testid="queue-verify"]`).count(),
    ).toBe(1)
    await page.getByTestId('queue-village').selectOption(target.village_id)
    await page.locator('[data-testid="queue-bulk-verify"]:not([disabled])').waitFor()
    const ids = await page.getByTestId('queue-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))
    const villages = e.server.db
      .prepare(`SELECT DISTINCT village_id FROM households WHERE id IN (${ids.map(() => '?').join(',')})`)
      .pluck()
      .all(...ids)
    expect(villages).toEqual([target.village_id])
    await page.locator(`[data-testid="queue-row"][data-id="${target.id}"] [data-testid="queue-return"]`).click()
    await page.getByTestId('return-dialog').waitFor()
    await page.getByTestId('return-add-field').click()
    // The questions to comment on are the household's answered fields (its field history).
    await page
      .locator('[data-testid="return-field-path"] option:not([value=""])')
      .first()
      .waitFor({ state: 'attached' })
    await page.getByTestId('return-send').click()
    await page.getByTestId('return-error').waitFor() // nothing written: a comment is required first

    // The household view for reviewers: the read-only form with the panel of GPS, workflow history and field history.
    await page.getByRole('button', { name: /Hủy|Cancel/ }).click()
    await page.locator(`[data-testid="queue-row"][data-id="${target.id}"] [data-testid="queue-open"]`).click()
    await page.locator(`[data-testid="household-screen"][data-id="${target.id}"]`).waitFor()
    await page.locator('[data-testid="review-panel"][data-status="submitted"]').waitFor()
    await page.locator('[data-testid="panel-history"] tr').first().waitFor()
    expect(await page.getByTestId('panel-gps').textContent()).toContain((target.lat + 0.0005).toFixed(6))
    expect(await page.locator('[data-testid="panel-workflow"] li').count()).toBeGreaterThan(0)
    await page.getByTestId('btn-back').click()
    await page.getByTestId('review-queue').waitFor() // back where the supervisor was

    // Bulk: every submitted record of the village verified in one action.
    await page.getByTestId('queue-village').selectOption(target.village_id)
    await page.locator('[data-testid="queue-bulk-verify"]:not([disabled])').click()
    await page.locator('[data-testid="queue-row"]').first().waitFor({ state: 'detached' })
    const statuses = ids.map((id) => HouseholdDoc.load(e.server.docStore.readState(id!)!).status)
    expect(new Set(statuses)).toEqual(new Set(['verified']))

    const observer = await consolePage('obs1', '#queue')
    await observer.getByTestId('console-read-only').waitFor()
    expect(await observer.getByTestId('queue-verify').count()).toBe(0)
  })
})

describe('admins', () => {
  it('an admin picks a commune: its progress shows and the live socket follows that commune', async () => {
    const page = await consolePage('admin1', '#progress')
    await page.locator(`[data-testid="console-unit"] option[value="${unit}"]`).waitFor({ state: 'attached' })
    await page.getByTestId('console-unit').selectOption(unit)
    await page.locator(`[data-testid="progress-village"][data-id="${target.village_id}"]`).waitFor()
    await page.locator('[data-testid="console-live"][data-connected="true"]').waitFor()
    expect(await page.getByTestId('console-read-only').count()).toBe(0)
  })
})

describe('after the survey', () => {
  it('the meeting form shows the rule before confirming: 49 % goes back to re-review, 50 % is agreed', async () => {
    const page = await consolePage('sup1', '#after')
    await page.getByTestId('after-row').first().click()
    await page.locator('[data-testid="after-step"][data-status="verified"]').waitFor()
    await page.getByTestId('meeting-attendees').fill('100')
    await page.getByTestId('meeting-agreeing').fill('49')
    await page.locator('[data-testid="meeting-outcome"][data-agreed="false"]').waitFor()
    expect(await page.getByTestId('meeting-outcome').textContent()).toContain('49%')
    await page.getByTestId('meeting-agreeing').fill('50')
    await page.locator('[data-testid="meeting-outcome"][data-agreed="true"]').waitFor()
    await page.getByTestId('meeting-agreeing').fill('101')
    await page.locator('[data-testid="meeting-outcome"][data-agreed=""]').waitFor()
    expect(await page.getByTestId('meeting-confirm').isDisabled()).toBe(true)

    // Confirmed: 49 of 100 sends the record back to re-review; 50 of 100 agrees it. Each written with who and when.
    const meet = async (agreeing: string): Promise<string> => {
      const row = page.getByTestId('after-row').first()
      const id = (await row.getAttribute('data-id')) ?? ''
      await row.click()
      await page.getByTestId('meeting-attendees').fill('100')
      await page.getByTestId('meeting-agreeing').fill(agreeing)
      await page.getByTestId('meeting-confirm').click()
      await page.getByTestId('after-done').waitFor()
      await page.locator(`[data-testid="after-row"][data-id="${id}"]`).waitFor({ state: 'detached' })
      return id
    }
    const rejected = await meet('49')
    const agreed = await meet('50')
    const read = (id: string) => HouseholdDoc.load(e.server.docStore.readState(id)!).read().workflow
    expect(read(rejected).status).toBe('re_review')
    expect(read(agreed).status).toBe('agreed_at_meeting')
    const supId = e.server.db.prepare("SELECT id FROM users WHERE username = 'sup1'").pluck().get()
    expect(read(agreed).history.at(-1)).toMatchObject({ from: 'verified', to: 'agreed_at_meeting', by: supId })

    // Then the public posting of the agreed record.
    await page.getByTestId('after-stage').selectOption('agreed_at_meeting')
    await page.locator(`[data-testid="after-row"][data-id="${agreed}"]`).click()
    await page.getByTestId('posting-confirm').click()
    await page.locator(`[data-testid="after-row"][data-id="${agreed}"]`).waitFor({ state: 'detached' })
    expect(read(agreed).status).toBe('posted')
  })
})
