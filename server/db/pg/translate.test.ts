// SQLite's SQL text as the PostgreSQL handle sends it: parameter styles, camelCase aliases, LIKE; strings untouched.
import { describe, expect, it } from 'vitest'
import { bindValues, translateSql } from './translate.ts'

describe('translateSql', () => {
  it('numbers anonymous parameters and gives a repeated name one number', () => {
    expect(translateSql('SELECT * FROM t WHERE a = ? AND b = ?')).toEqual({
      text: 'SELECT * FROM t WHERE a = $1 AND b = $2',
      slots: [null, null],
    })
    expect(translateSql('UPDATE t SET a = @a, b = :b WHERE c = $c OR d = @a')).toEqual({
      text: 'UPDATE t SET a = $1, b = $2 WHERE c = $3 OR d = $1',
      slots: ['a', 'b', 'c'],
    })
  })

  it('leaves strings, quoted names, comments, casts and positional $n alone', () => {
    const sql = `SELECT 'a ? @b :c like' AS "x?", x::bigint, $1 -- what ? @d\nFROM t /* ? */`
    expect(translateSql(sql)).toEqual({ text: sql, slots: [] })
  })

  it('quotes camelCase aliases only and turns LIKE into ILIKE', () => {
    expect(
      translateSql("SELECT unit_code AS unitCode, CAST(x AS INTEGER) AS n FROM t WHERE name NOT LIKE 'a%'").text,
    ).toBe(`SELECT unit_code AS "unitCode", CAST(x AS INTEGER) AS n FROM t WHERE name NOT ILIKE 'a%'`)
  })
})

describe('bindValues', () => {
  it('takes values, arrays and one object of names, as better-sqlite3 does', () => {
    expect(bindValues([null, 'n', null], [1, { n: 'x' }, [true]])).toEqual([1, 'x', 1])
    expect(bindValues([null], [10n])).toEqual(['10'])
  })

  it('refuses undefined, missing names and a wrong count', () => {
    expect(() => bindValues([null], [undefined])).toThrow(/undefined/)
    expect(() => bindValues(['n'], [{}])).toThrow(/"n"/)
    expect(() => bindValues([null], [])).toThrow(/Too few/)
    expect(() => bindValues([], [1])).toThrow(/Too many/)
  })
})
