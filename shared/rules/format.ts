// Number formatting for explanations, deterministic across devices (no locale data): vi uses "." for thousands
// and "," for decimals, en the reverse.

export function formatNumber(value: number, decimals: number, lang: 'vi' | 'en' = 'en'): string {
  const fixed = value.toFixed(decimals)
  const [int = '0', frac] = fixed.split('.')
  const sep = lang === 'vi' ? '.' : ','
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, sep)
  if (frac === undefined || /^0*$/.test(frac)) return grouped
  return `${grouped}${lang === 'vi' ? ',' : '.'}${frac}`
}

export function formatVnd(value: number, lang: 'vi' | 'en'): string {
  return lang === 'vi' ? `${formatNumber(value, 0, 'vi')} đồng` : `${formatNumber(value, 0, 'en')} VND`
}
