// The shell's objects handed to components through Svelte context (no module-level singletons).
import { getContext, setContext } from 'svelte'
import type { I18n } from '../i18n/index.svelte.ts'
import type { AppUpdate } from '../pwa/app-update.svelte.ts'
import type { AppState } from './app-state.svelte.ts'

export interface Shell {
  app: AppState
  i18n: I18n
  update: AppUpdate
}

const KEY = Symbol('rasoat.shell')

export function setShell(shell: Shell): void {
  setContext(KEY, shell)
}

export function getShell(): Shell {
  const s = getContext<Shell | undefined>(KEY)
  if (!s) throw new Error('shell context missing: components must be rendered inside App.svelte')
  return s
}
