// Bridges a plain subscribable object (HouseholdDoc, GpsCapture, PhotoStore) into Svelte 5 reactivity with
// createSubscriber: reading `current` inside an effect or template subscribes; the source is observed only while read.
// While observed, the value is read once per change (HouseholdDoc.read() builds a whole snapshot), not per access.
import { createSubscriber } from 'svelte/reactivity'

export class Live<T> {
  readonly #read: () => T
  readonly #subscribe: () => void
  #observers = 0
  #stale = true
  #value: T | undefined

  constructor(listen: (onChange: () => void) => () => void, read: () => T) {
    this.#read = read
    this.#subscribe = createSubscriber((update) => {
      this.#observers++
      this.#stale = true
      const off = listen(() => {
        this.#stale = true
        update()
      })
      return () => {
        this.#observers--
        off()
      }
    })
  }

  get current(): T {
    this.#subscribe()
    if (this.#observers === 0 || this.#stale || this.#value === undefined) {
      this.#value = this.#read()
      if (this.#observers > 0) this.#stale = false
    }
    return this.#value
  }
}
