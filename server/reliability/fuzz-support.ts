// What the fuzz suites share: byte mutations drawn by fast-check (flip, insert, delete, truncate, varint bytes), a raw
// WebSocket that records every frame and the close code, and a digest of the database to prove a refusal changed nothing.
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import WebSocket from 'ws'
import type { Db } from '../db/open.ts'

export type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number }
  | { op: 'truncate'; at: number }

/** One mutation; positions are taken modulo the frame's length when applied. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  // 0x80/0xff keep a varint going, 0x00 ends it, 0x7f is the largest one-byte value: lengths and counts go wrong
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0, 0x7f, 0x80, 0xff, 1, 2, 9) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
)

export function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array<ArrayBuffer> {
  let b = Array.from(bytes)
  for (const m of mutations) {
    const at = b.length === 0 ? 0 : m.at % (b.length + (m.op === 'insert' ? 1 : 0))
    if (m.op === 'flip' && b.length > 0) b[at] = b[at]! ^ (1 << m.bit)
    else if (m.op === 'set' && b.length > 0) b[at] = m.value
    else if (m.op === 'insert') b.splice(at, 0, ...m.bytes)
    else if (m.op === 'delete') b.splice(at, m.length)
    else if (m.op === 'truncate') b = b.slice(0, at)
  }
  return new Uint8Array(b)
}

/** A WebSocket that keeps every frame it receives and how it was closed. */
export class RawSocket {
  readonly frames: Uint8Array[] = []
  close: { code: number; reason: string } | null = null
  private waiters: { test: () => boolean; ok: () => void }[] = []
  private constructor(private readonly ws: WebSocket) {
    ws.binaryType = 'nodebuffer'
    ws.on('message', (data: Buffer) => {
      this.frames.push(new Uint8Array(data))
      this.wake()
    })
    ws.on('close', (code, reason) => {
      this.close = { code, reason: reason.toString() }
      this.wake()
    })
    ws.on('error', () => {}) // the close event follows
  }

  static async open(url: string): Promise<RawSocket> {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 })
    const socket = new RawSocket(ws) // listening before 'open': the server may speak first
    await new Promise<void>((ok, fail) => {
      ws.once('open', () => ok())
      ws.once('unexpected-response', (_req, res) => fail(new Error(`upgrade refused: HTTP ${res.statusCode}`)))
    })
    return socket
  }

  send(bytes: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes)
  }

  /** Resolves once `test` holds or the socket has closed; rejects after 20 s. */
  until(test: () => boolean, what: string): Promise<void> {
    if (test() || this.close) return Promise.resolve()
    return new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`timed out waiting for ${what}`)), 20_000)
      this.waiters.push({
        test: () => test() || this.close !== null,
        ok: () => (clearTimeout(timer), ok()),
      })
    })
  }

  async end(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000)
    await this.until(() => false, 'close')
  }

  private wake(): void {
    this.waiters = this.waiters.filter((w) => (w.test() ? (w.ok(), false) : true))
  }
}

/**
 * A digest of every table, rows in rowid order (on PostgreSQL, in the order of all their columns). `skip` names tables
 * a refused request may legitimately touch (sessions' last use); `households` limits the per-household tables to those
 * ids (a well-behaved client edits others meanwhile).
 */
export function dbDigest(db: Db, opts: { skip?: readonly string[]; households?: readonly string[] } = {}): string {
  const hash = createHash('sha256')
  const pg = db.dialect === 'postgres'
  const tables = db
    .prepare(
      pg
        ? `SELECT table_name AS name FROM information_schema.tables
           WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
        : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all() as { name: string }[]
  const columnsOf = pg
    ? db.prepare(
        `SELECT column_name AS name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`,
      )
    : null
  for (const { name } of tables) {
    if (opts.skip?.includes(name)) continue
    const columns = (
      (columnsOf ? columnsOf.all(name) : db.prepare(`PRAGMA table_info("${name}")`).all()) as { name: string }[]
    ).map((c) => c.name)
    const key = name === 'households' ? 'id' : columns.includes('household_id') ? 'household_id' : null
    const ids = opts.households ?? []
    const only =
      opts.households && key
        ? ` WHERE ${ids.length === 0 ? '1 = 0' : `"${key}" IN (${ids.map(() => '?').join(', ')})`}`
        : ''
    // PostgreSQL keeps no rowid order: every column orders the rows instead.
    const order = pg ? ` ORDER BY ${columns.map((_, i) => i + 1).join(', ')}` : ''
    const rows = db.prepare(`SELECT * FROM "${name}"${only}${order}`).all(...(only && ids.length > 0 ? ids : []))
    hash.update(name)
    for (const row of rows)
      hash.update(
        JSON.stringify(row, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)),
      )
  }
  return hash.digest('hex')
}
