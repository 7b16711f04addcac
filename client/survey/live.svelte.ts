// Bridges a plain subscribable object (HouseholdDoc, GpsCapture, PhotoStore) into Svelte 5 reactivity with
// createSubscriber: reading `current` inside an effect or template subscribes; the source is observed only while read.
import { createSubscriber } from 'svelte/reactivity'

export class Live<T> {
  readonly #read: () => T
  readonly #subscribe: () => void

  constructor(listen: (onChange: () => void) => () => void, read: () => T) {
    this.#read = read
    this.#subscribe = createSubscriber((update) => listen(update))
  }

  get current(): T {
    this.#subscribe()
    return this.#read()
  }
}
