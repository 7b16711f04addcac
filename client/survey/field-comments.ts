// The latest return's comments at single fields, handed by the survey screen to every field component through Svelte
// context (so each question shows its own note without every section passing it down).
import { getContext, setContext } from 'svelte'

export interface FieldComments {
  /** The comment at `path` (pathOf naming), if the supervisor left one. */
  at(path: string): string | undefined
  /** The note's heading in the current language. */
  readonly label: string
}

const KEY = Symbol('field-comments')
const NONE: FieldComments = { at: () => undefined, label: '' }

export function provideFieldComments(comments: FieldComments): void {
  setContext(KEY, comments)
}

export function fieldComments(): FieldComments {
  return getContext<FieldComments | undefined>(KEY) ?? NONE
}
