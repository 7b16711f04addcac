// The one dictionary of the client as Svelte state: Vietnamese by default, English on request, the choice persisted
// on the device. Every user-facing string goes through t(); lookups and the survey merge are in dictionary.ts.

import { buildDictionaries, translate, type Dictionaries, type Lang, type Params } from './dictionary.ts'

export { interpolate, type Dictionary, type Lang, type Params } from './dictionary.ts'

const LANG_KEY = 'rasoat.lang'

/** Language state; one instance made by main.ts and handed to components through context. */
export class I18n {
  lang = $state<Lang>('vi')
  readonly dictionaries: Dictionaries = buildDictionaries()

  constructor(initial?: Lang, private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null = globalThis.localStorage ?? null) {
    const saved = this.storage?.getItem(LANG_KEY)
    this.lang = initial ?? (saved === 'en' || saved === 'vi' ? saved : 'vi')
  }

  t = (key: string, params?: Params): string => translate(this.dictionaries, this.lang, key, params)

  setLang(lang: Lang): void {
    this.lang = lang
    this.storage?.setItem(LANG_KEY, lang)
    if (typeof document !== 'undefined') document.documentElement.lang = lang
  }

  toggle(): void {
    this.setLang(this.lang === 'vi' ? 'en' : 'vi')
  }

  number(n: number): string {
    return n.toLocaleString(this.lang === 'vi' ? 'vi-VN' : 'en-GB')
  }

  dateTime(ms: number): string {
    return new Intl.DateTimeFormat(this.lang === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' }).format(ms)
  }
}
