// The dictionaries and lookup behind t(), without Svelte runes (so Node tests run them as is): core vi/en of the
// shell merged with client-survey's client/i18n/survey.ts when it exists; Vietnamese is the fallback language.

import { en } from './en.ts'
import { vi } from './vi.ts'

export type Lang = 'vi' | 'en'
export type Dictionary = Record<string, string>
export type Params = Record<string, string | number>
export type Dictionaries = Record<Lang, Dictionary>

// survey.ts is written by client-survey; a glob keeps the build working before (and after) it exists.
const surveyModules = import.meta.glob<{ vi?: Dictionary; en?: Dictionary; default?: { vi: Dictionary; en: Dictionary } }>(
  './survey.ts',
  { eager: true },
)

export function buildDictionaries(): Dictionaries {
  const mod = Object.values(surveyModules)[0]
  const survey = mod ? (mod.default ?? mod) : {}
  return { vi: { ...(survey.vi ?? {}), ...vi }, en: { ...(survey.en ?? {}), ...en } }
}

export function interpolate(template: string, params?: Params): string {
  if (!params) return template
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

/** Falls back to Vietnamese, then to the key itself (visible, so a missing key gets noticed). */
export function translate(d: Dictionaries, lang: Lang, key: string, params?: Params): string {
  return interpolate(d[lang][key] ?? d.vi[key] ?? key, params)
}
