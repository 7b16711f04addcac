// The translation function the survey components receive (the app's I18n.t), and enum → option helpers.
export type Translate = (key: string, params?: Record<string, string | number>) => string

/** Options for a select/radio list from a list of codes and a dictionary prefix (e.g. 'survey.water.'). */
export function optionsOf(t: Translate, prefix: string, values: readonly string[]): { value: string; label: string }[] {
  return values.map((value) => ({ value, label: t(`${prefix}${value}`) }))
}

/** Translate params whose values are dictionary keys themselves (e.g. { field: 'survey.member.sex' }). */
export function translateParams(
  t: Translate,
  params: Record<string, string | number> | undefined,
): Record<string, string | number> | undefined {
  if (!params) return undefined
  const tr = (v: string) =>
    v
      .split(',')
      .map((k) => t(k))
      .join(', ')
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, typeof v === 'string' && v.startsWith('survey.') ? tr(v) : v]),
  )
}
