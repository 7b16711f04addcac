// A real JPEG for e2e tests, drawn in the page (the tests have no image library): a plain colour of the given size.
import type { Page } from 'playwright-core'

export async function jpegFromPage(page: Page, width: number, height: number, colour = '#2d6a4f'): Promise<Buffer> {
  const b64 = await page.evaluate(
    async ({ width, height, colour }) => {
      const c = new OffscreenCanvas(width, height)
      const g = c.getContext('2d')
      if (!g) throw new Error('no 2d context')
      g.fillStyle = colour
      g.fillRect(0, 0, width, height)
      const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/jpeg', quality: 0.9 })).arrayBuffer())
      let s = ''
      for (const b of bytes) s += String.fromCharCode(b)
      return btoa(s)
    },
    { width, height, colour },
  )
  return Buffer.from(b64, 'base64')
}
