// The one dictionary of the client as Svelte state: Vietnamese by default, English on request; main.ts persists the
// choice in the device's settings. Every user-facing string goes through t(); lookups and the merge are in dictionary.ts.

import { buildDictionaries, translate, type Dictionaries, type Lang, type Params } from './dictionary.ts'

export { interpolate, type Dictionary, type Lang, type Params } from './dictionary.ts'

/** Language state; one instance made by main.ts and handed to components through context. */
export class I18n {
  lang = $state<Lang>('vi')
  readonly dictionaries: Dictionaries = buildDictionaries()

  /** `saved` is the stored choice, if any; `save` stores a new one (the only place the choice is written). */
  constructor(
    saved?: Lang,
    private readonly save: (lang: Lang) => void = () => {},
  ) {
    this.lang = saved === 'en' || saved === 'vi' ? saved : 'vi'
  }

  t = (key: string, params?: Params): string => translate(this.dictionaries, this.lang, key, params)

  setLang(lang: Lang): void {
    this.lang = lang
    this.save(lang)
    if (typeof document !== 'undefined') document.documentElement.lang = lang
  }

  toggle(): void {
    this.setLang(this.lang === 'vi' ? 'en' : 'vi')
  }

  number(n: number): string {
    return n.toLocaleString(this.lang === 'vi' ? 'vi-VN' : 'en-GB')
  }

  dateTime(ms: number): string {
    return new Intl.DateTimeFormat(this.lang === 'vi' ? 'vi-VN' : 'en-GB', {
      dateStyle: 'short',
      timeStyle: 'short',
    }).format(ms)
  }
}
