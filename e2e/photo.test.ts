// A photo taken with no network is resized and kept on the phone, survives an app restart, and uploads by itself
// once the network is back (PUT /api/photos/:sha256, content-addressed) — independent of the record's sync.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverHousehold, startE2E, unlock, type E2E } from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.stop()
})

/** A 3000×2000 JPEG made in the page (the test has no image library), as bytes for setInputFiles. */
async function cameraJpeg(page: Page): Promise<Buffer> {
  const b64 = await page.evaluate(async () => {
    const c = new OffscreenCanvas(3000, 2000)
    const g = c.getContext('2d')
    if (!g) throw new Error('no 2d context')
    g.fillStyle = '#3a7d5c'
    g.fillRect(0, 0, 3000, 2000)
    g.fillStyle = '#fff'
    g.font = '300px sans-serif'
    g.fillText(`NHÀ ${Date.now()}`, 200, 1100)
    const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/jpeg', quality: 0.95 })).arrayBuffer())
    let s = ''
    for (const b of bytes) s += String.fromCharCode(b)
    return btoa(s)
  })
  return Buffer.from(b64, 'base64')
}

describe('photos offline → upload after reconnect', () => {
  it('resizes on the phone, queues in IndexedDB across a restart, uploads when online (GET → 200)', async () => {
    const { page, context } = await e.newPhone()
    await e.login(page)
    await page.getByTestId('filter-status').selectOption('assigned')
    await page.getByTestId('household-row').first().click()
    await page.getByTestId('survey').waitFor()
    const householdId = (await page.getByTestId('household-screen').getAttribute('data-id')) ?? ''
    await page.getByTestId('btn-step-photos').click()
    const jpeg = await cameraJpeg(page)

    // Offline: the server is unreachable for fetch.
    await context.setOffline(true)
    await page
      .getByTestId('field-photo.file')
      .setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: jpeg })
    const figure = page.getByTestId('photo').first()
    await figure.waitFor()
    const sha = (await figure.getAttribute('data-sha256')) ?? ''
    expect(sha).toMatch(/^[0-9a-f]{64}$/)
    await expect.poll(() => figure.getAttribute('data-state')).toMatch(/^(pending|failed)$/)

    // Resized on the phone: long side ≤ 1280 px, JPEG, much smaller than the camera file.
    const stored = await page.evaluate(async (key) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('rasoat-photos')
        r.onsuccess = () => resolve(r.result)
        r.onerror = () => reject(r.error)
      })
      const p = await new Promise<{ blob: Blob; state: string; householdId: string }>((resolve, reject) => {
        const r = db.transaction('photos').objectStore('photos').get(key)
        r.onsuccess = () => resolve(r.result)
        r.onerror = () => reject(r.error)
      })
      db.close()
      const bmp = await createImageBitmap(p.blob)
      return {
        width: bmp.width,
        height: bmp.height,
        type: p.blob.type,
        bytes: p.blob.size,
        state: p.state,
        householdId: p.householdId,
      }
    }, sha)
    expect(stored).toMatchObject({ width: 1280, height: 853, type: 'image/jpeg', state: 'pending', householdId })
    expect(stored.bytes).toBeLessThan(jpeg.length)

    const token = await e.apiToken('admin1')
    const photoStatus = async () =>
      (await fetch(`${e.baseUrl}/api/photos/${sha}`, { headers: { authorization: `Bearer ${token}` } })).status
    expect(await photoStatus()).toBe(404)

    // App restart while still offline: the queue lives in IndexedDB; the shell unlocks offline.
    await page.reload()
    await unlock(page)
    expect(await photoStatus()).toBe(404)

    // Network back: the uploader (started at unlock) sends it without any user action.
    await context.setOffline(false)
    await expect.poll(photoStatus, { timeout: 90_000 }).toBe(200)
    const res = await fetch(`${e.baseUrl}/api/photos/${sha}`, { headers: { authorization: `Bearer ${token}` } })
    expect(res.headers.get('content-type')).toBe('image/jpeg')
    expect(Number(res.headers.get('content-length'))).toBe(stored.bytes)

    // The form shows it as uploaded.
    await page.locator(`[data-testid="household-row"][data-id="${householdId}"]`).click()
    await page.getByTestId('btn-step-photos').click()
    await page.locator(`[data-testid="photo"][data-sha256="${sha}"][data-state="uploaded"]`).waitFor()
  })

  it('the record syncs while its photo waits: uploads blocked, the reference reaches the server first', async () => {
    const { page } = await e.newPhone()
    await e.login(page)
    await page.getByTestId('filter-status').selectOption('assigned')
    await page.getByTestId('household-row').first().click()
    await page.getByTestId('survey').waitFor()
    const householdId = (await page.getByTestId('household-screen').getAttribute('data-id')) ?? ''
    await page.getByTestId('btn-step-photos').click()

    // Photo uploads fail (a proxy refusing large bodies, say); the WebSocket sync is untouched.
    await page.route('**/api/photos/**', (route) => route.abort('connectionrefused'))
    await page
      .getByTestId('field-photo.file')
      .setInputFiles({ name: 'IMG_0002.jpg', mimeType: 'image/jpeg', buffer: await cameraJpeg(page) })
    const figure = page.getByTestId('photo').first()
    await figure.waitFor()
    const sha = (await figure.getAttribute('data-sha256')) ?? ''
    await page.locator('[data-testid="save-state"][data-state="synced"]').waitFor({ timeout: 90_000 })
    expect((await serverHousehold(e.server, householdId))?.photos.map((p) => p.sha256)).toContain(sha)
    await expect.poll(() => figure.getAttribute('data-state')).toBe('failed')

    const token = await e.apiToken('admin1')
    const photoStatus = async () =>
      (await fetch(`${e.baseUrl}/api/photos/${sha}`, { headers: { authorization: `Bearer ${token}` } })).status
    expect(await photoStatus()).toBe(404)

    // Uploads possible again: the next try (here nudged by an `online` event) sends it.
    await page.unroute('**/api/photos/**')
    await page.evaluate(() => window.dispatchEvent(new Event('online')))
    await expect.poll(photoStatus, { timeout: 90_000 }).toBe(200)
    await page.locator(`[data-testid="photo"][data-sha256="${sha}"][data-state="uploaded"]`).waitFor()
  })
})
