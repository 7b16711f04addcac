// Where a JSON text first goes wrong, as a line number: V8's JSON.parse names a position only for some errors, and an
// admin fixing an uploaded file needs the line. Used only after JSON.parse has already refused the text.

const WS = new Set([' ', '\t', '\n', '\r'])
const MAX_DEPTH = 64

/** Offset of the first syntax error in `text` (text.length when it ends too early), or null when it is valid JSON. */
export function jsonErrorOffset(text: string): number | null {
  let i = 0
  const skip = (): void => {
    while (i < text.length && WS.has(text[i] as string)) i++
  }
  const fail = (): never => {
    throw i
  }
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length
    else fail()
  }
  const string = (): void => {
    i++ // opening quote
    while (i < text.length) {
      const c = text[i] as string
      if (c === '"') return void i++
      if (c === '\\') {
        const e = text[i + 1] ?? ''
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6
        else if ('"\\/bfnrt'.includes(e) && e !== '') i += 2
        else return fail()
      } else if (c < ' ') return fail()
      else i++
    }
    fail()
  }
  const number = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))
    if (!m || m[0] === '' || m[0] === '-') fail()
    i += (m as RegExpExecArray)[0].length
  }
  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) fail()
    skip()
    const c = text[i]
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']'
      i++
      skip()
      if (text[i] === close) return void i++
      for (;;) {
        if (close === '}') {
          skip()
          if (text[i] !== '"') fail()
          string()
          skip()
          if (text[i] !== ':') fail()
          i++
        }
        value(depth + 1)
        skip()
        if (text[i] === ',') i++
        else if (text[i] === close) return void i++
        else fail()
      }
    }
    if (c === '"') return string()
    if (c === 't') return literal('true')
    if (c === 'f') return literal('false')
    if (c === 'n') return literal('null')
    number()
  }
  try {
    value(0)
    skip()
    if (i < text.length) fail()
    return null
  } catch (at) {
    if (typeof at === 'number') return at
    throw at
  }
}

/** 1-based line of an offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1
  for (let k = 0; k < offset && k < text.length; k++) if (text.charCodeAt(k) === 10) line++
  return line
}
