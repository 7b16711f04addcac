// Registers the Workbox service worker (workbox-window, registerType 'prompt') and holds the "update ready" state.
// An update is applied only on request and only while no household form is open, so input is never dropped.

import type { Workbox } from 'workbox-window'

const HOURLY = 60 * 60 * 1000

export class AppUpdate {
  /** A new version is installed and waiting. */
  waiting = $state(false)
  /** The service worker controls this page (the shell will load offline). */
  controlling = $state(false)
  registered = $state(false)
  #wb: Workbox | null = null
  #timer: ReturnType<typeof setInterval> | null = null

  constructor(private readonly isFormOpen: () => boolean) {}

  async start(url = '/sw.js'): Promise<void> {
    if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return
    this.controlling = navigator.serviceWorker.controller !== null
    const { Workbox } = await import('workbox-window')
    const wb = new Workbox(url, { scope: '/' })
    this.#wb = wb
    wb.addEventListener('waiting', () => {
      this.waiting = true
    })
    wb.addEventListener('controlling', () => {
      this.controlling = true
    })
    try {
      await wb.register()
      this.registered = true
    } catch {
      // Registration can fail (private mode, http); the app still runs online.
      return
    }
    this.#timer = setInterval(() => void wb.update().catch(() => undefined), HOURLY)
  }

  /** Whether apply() would run now. */
  get canApply(): boolean {
    return this.waiting && !this.isFormOpen()
  }

  /** Activate the waiting worker and reload; refused (returns false) while a form is open. */
  apply(): boolean {
    const wb = this.#wb
    if (!wb || !this.waiting || this.isFormOpen()) return false
    wb.addEventListener('controlling', () => window.location.reload())
    wb.messageSkipWaiting()
    return true
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer)
  }
}
