// The dictionaries and lookup behind t(), without Svelte runes (so Node tests run them as is): the app's core vi/en
// merged with the survey form's strings (survey.ts); Vietnamese is the fallback language.

import { en } from './en.ts'
import * as survey from './survey.ts'
import { vi } from './vi.ts'

export type Lang = 'vi' | 'en'
export type Dictionary = Record<string, string>
export type Params = Record<string, string | number>
export type Dictionaries = Record<Lang, Dictionary>

/** The core keys win over a survey key of the same name. */
export function buildDictionaries(): Dictionaries {
  return { vi: { ...survey.vi, ...vi }, en: { ...survey.en, ...en } }
}

export function interpolate(template: string, params?: Params): string {
  if (!params) return template
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

/** Falls back to Vietnamese, then to the key itself (visible, so a missing key gets noticed). */
export function translate(d: Dictionaries, lang: Lang, key: string, params?: Params): string {
  return interpolate(d[lang][key] ?? d.vi[key] ?? key, params)
}
