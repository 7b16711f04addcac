// The phone's report to the supervisor's console (POST /api/devices/report): app version and what is still unsynced,
// at sign-in and after sync rounds, at most once a minute (a trailing report carries the latest counts).

export interface DeviceReportBody {
  deviceId: string
  appVersion: string
  unsyncedEdits: number
  unsyncedPhotos: number
}

export const DEVICE_REPORT_INTERVAL_MS = 60_000

export class DeviceReporter {
  #lastSent = -Infinity
  #timer: ReturnType<typeof setTimeout> | null = null
  #stopped = false

  constructor(
    private readonly token: string,
    private readonly body: () => Promise<DeviceReportBody>,
    private readonly fetchFn: typeof fetch = (...a) => fetch(...a),
    private readonly now: () => number = Date.now,
  ) {}

  /** Something changed (sign-in, a sync round): report now, or once the minute since the last report is over. */
  poke(): void {
    if (this.#stopped || this.#timer) return
    const wait = this.#lastSent + DEVICE_REPORT_INTERVAL_MS - this.now()
    if (wait <= 0) return void this.#send()
    this.#timer = setTimeout(() => {
      this.#timer = null
      void this.#send()
    }, wait)
  }

  stop(): void {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
  }

  async #send(): Promise<void> {
    this.#lastSent = this.now()
    try {
      const body = await this.body()
      if (this.#stopped) return
      await this.fetchFn('/api/devices/report', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify(body),
      })
    } catch {
      // Offline or refused: the next sync round reports again; the console shows the last contact it has.
    }
  }
}
