// The one dictionary of the client: Vietnamese by default, English on request, the choice persisted on the device.
// Every user-facing string goes through t(); client-survey's keys (client/i18n/survey.ts) are merged in when present.

import { vi } from './vi.ts'
import { en } from './en.ts'

export type Lang = 'vi' | 'en'
export type Dictionary = Record<string, string>
export type Params = Record<string, string | number>

const LANG_KEY = 'rasoat.lang'

// survey.ts is written by client-survey; a glob keeps the build working before (and after) it exists.
const surveyModules = import.meta.glob<{ vi?: Dictionary; en?: Dictionary; default?: { vi: Dictionary; en: Dictionary } }>(
  './survey.ts',
  { eager: true },
)

function surveyDictionaries(): { vi: Dictionary; en: Dictionary } {
  const mod = Object.values(surveyModules)[0]
  if (!mod) return { vi: {}, en: {} }
  const src = mod.default ?? mod
  return { vi: src.vi ?? {}, en: src.en ?? {} }
}

export function interpolate(template: string, params?: Params): string {
  if (!params) return template
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

/** Language state; one instance made by main.ts and handed to components through context. */
export class I18n {
  lang = $state<Lang>('vi')
  readonly dictionaries: Record<Lang, Dictionary>

  constructor(initial?: Lang, private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null = globalThis.localStorage ?? null) {
    const survey = surveyDictionaries()
    this.dictionaries = { vi: { ...survey.vi, ...vi }, en: { ...survey.en, ...en } }
    const saved = this.storage?.getItem(LANG_KEY)
    this.lang = initial ?? (saved === 'en' || saved === 'vi' ? saved : 'vi')
  }

  /** Translate `key`; falls back to Vietnamese, then to the key itself (visible, so a missing key gets noticed). */
  t = (key: string, params?: Params): string => {
    const text = this.dictionaries[this.lang][key] ?? this.dictionaries.vi[key] ?? key
    return interpolate(text, params)
  }

  setLang(lang: Lang): void {
    this.lang = lang
    this.storage?.setItem(LANG_KEY, lang)
    if (typeof document !== 'undefined') document.documentElement.lang = lang
  }

  toggle(): void {
    this.setLang(this.lang === 'vi' ? 'en' : 'vi')
  }

  /** Numbers and dates in the current language. */
  number(n: number): string {
    return n.toLocaleString(this.lang === 'vi' ? 'vi-VN' : 'en-GB')
  }

  dateTime(ms: number): string {
    return new Date(ms).toLocaleString(this.lang === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' })
  }
}
