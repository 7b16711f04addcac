// The form's reactive view of one GPS capture: the browser geolocation plugged into GpsCapture, the accepted fix
// written through the household's setLocation intent.
import type { Location } from '../../shared/household/types.ts'
import { Live } from '../survey/live.svelte.ts'
import { GpsCapture, type GeolocationSource, type GpsOptions, type GpsSnapshot } from './gps-capture.ts'

export function browserGeolocation(): GeolocationSource | null {
  return typeof navigator !== 'undefined' && 'geolocation' in navigator ? navigator.geolocation : null
}

export class GpsState {
  readonly capture: GpsCapture
  readonly #live: Live<GpsSnapshot>

  constructor(save: (location: Location) => void, options: Partial<Omit<GpsOptions, 'onAccept'>> = {}) {
    this.capture = new GpsCapture({ source: browserGeolocation(), ...options, onAccept: save })
    this.#live = new Live(
      (fn) => this.capture.subscribe(fn),
      () => this.capture.snapshot,
    )
  }

  get snapshot(): GpsSnapshot {
    return this.#live.current
  }

  start = (): void => this.capture.start()
  stop = (): void => this.capture.stop()
  acceptBest = (): void => this.capture.acceptBest()
  dispose = (): void => this.capture.dispose()
}
