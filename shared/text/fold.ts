// Diacritic-insensitive search keys for Vietnamese text ("nguyen huu phong" finds "Nguyễn Hữu Phong").
// Pure string work, no DOM/Node: used by client lists and server search alike.

const COMBINING_MARKS = /[\u0300-\u036f]/g
const SPACES = /\s+/g

/** Lowercase, strip tone and vowel marks (ă â ê ô ơ ư and the five tones), đ/Đ → d, collapse whitespace. */
export function foldForSearch(s: string): string {
  return s.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase().replace(/đ/g, 'd').replace(SPACES, ' ').trim()
}

/** True when every space-separated word of `query` occurs in `text`, both folded. */
export function matchesSearch(text: string, query: string): boolean {
  const haystack = foldForSearch(text)
  const words = foldForSearch(query)
    .split(' ')
    .filter((w) => w.length > 0)
  return words.every((w) => haystack.includes(w))
}
