// Turns the SQL text the stores write (SQLite's parameter styles) into PostgreSQL's, once per statement text:
// `?` and `@name`/`:name`/`$name` → `$1…`, camelCase aliases after AS quoted, LIKE → ILIKE (SQLite's LIKE ignores ASCII case).

export interface TranslatedSql {
  text: string
  /** For each `$n` (index n-1): the name of a named parameter, or null for the next anonymous one. */
  slots: (string | null)[]
}

const cache = new Map<string, TranslatedSql>()
const CACHE_LIMIT = 10_000

const isIdentStart = (c: string): boolean => /[A-Za-z_]/.test(c)
const isIdent = (c: string): boolean => /[A-Za-z0-9_]/.test(c)

function readIdent(sql: string, from: number): number {
  let j = from
  while (j < sql.length && isIdent(sql[j] ?? '')) j++
  return j
}

/** The end (exclusive) of a quoted run starting at `i` with `quote`, a doubled quote being an escape. */
function skipQuoted(sql: string, i: number, quote: string): number {
  let j = i + 1
  while (j < sql.length) {
    if (sql[j] === quote) {
      if (sql[j + 1] === quote) j += 2
      else return j + 1
    } else j++
  }
  return j
}

export function translateSql(sql: string): TranslatedSql {
  const hit = cache.get(sql)
  if (hit) return hit
  const slots: (string | null)[] = []
  const named = new Map<string, number>()
  let out = ''
  let i = 0
  let afterAs = false
  while (i < sql.length) {
    const c = sql[i] ?? ''
    const next = sql[i + 1] ?? ''
    if (c === "'" || c === '"') {
      const end = skipQuoted(sql, i, c)
      out += sql.slice(i, end)
      i = end
      afterAs = false
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i)
      const stop = end < 0 ? sql.length : end
      out += sql.slice(i, stop)
      i = stop
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2)
      const stop = end < 0 ? sql.length : end + 2
      out += sql.slice(i, stop)
      i = stop
    } else if (c === '$' && next === '$') {
      const end = sql.indexOf('$$', i + 2)
      const stop = end < 0 ? sql.length : end + 2
      out += sql.slice(i, stop)
      i = stop
    } else if (c === '?') {
      slots.push(null)
      out += `$${slots.length}`
      i++
    } else if (
      (c === '@' || c === '$' || (c === ':' && sql[i - 1] !== ':' && next !== ':')) &&
      isIdentStart(next) &&
      !isIdent(sql[i - 1] ?? '')
    ) {
      const end = readIdent(sql, i + 1)
      const name = sql.slice(i + 1, end)
      let n = named.get(name)
      if (n === undefined) {
        slots.push(name)
        n = slots.length
        named.set(name, n)
      }
      out += `$${n}`
      i = end
    } else if (isIdentStart(c) && !isIdent(sql[i - 1] ?? '')) {
      const end = readIdent(sql, i)
      const word = sql.slice(i, end)
      const upper = word.toUpperCase()
      if (afterAs && /[a-z]/.test(word) && /[A-Z]/.test(word)) out += `"${word}"`
      else if (upper === 'LIKE') out += word === 'like' ? 'ilike' : 'ILIKE'
      else out += word
      afterAs = upper === 'AS'
      i = end
    } else {
      if (!/\s/.test(c)) afterAs = false
      out += c
      i++
    }
  }
  const translated = { text: out, slots }
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(sql, translated)
  return translated
}

/** The positional values for `slots` from better-sqlite3-style arguments: values, arrays of values, one object of names. */
export function bindValues(slots: readonly (string | null)[], args: readonly unknown[]): unknown[] {
  const anonymous: unknown[] = []
  let names: Record<string, unknown> | undefined
  for (const a of args) {
    if (Array.isArray(a)) anonymous.push(...(a as unknown[]))
    else if (a !== null && typeof a === 'object' && !ArrayBuffer.isView(a)) names = a as Record<string, unknown>
    else anonymous.push(a)
  }
  let k = 0
  const values = slots.map((slot) => {
    if (slot === null) {
      if (k >= anonymous.length) throw new RangeError('Too few parameter values were provided')
      return anonymous[k++]
    }
    if (!names || !(slot in names)) throw new RangeError(`Missing named parameter "${slot}"`)
    return names[slot]
  })
  if (k < anonymous.length) throw new RangeError('Too many parameter values were provided')
  return values.map((v) => {
    if (v === undefined) throw new TypeError('undefined cannot be bound as a SQL parameter (use null)')
    if (typeof v === 'boolean') return v ? 1 : 0
    if (typeof v === 'bigint') return v.toString()
    return v
  })
}
