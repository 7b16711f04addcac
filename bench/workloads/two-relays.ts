// R2 — two relays: W1's ramped field editing with the phones split between two relay processes on one database and
// one Redis, the writer and the measuring phone always on different relays; for a shared SQLite file and for
// PostgreSQL, with one SQLite relay under the same load beside them. CPU per acked edit counts both relays.

import { mkdirSync, rmSync } from 'node:fs'
import type { Corpus } from '../lib/corpus.ts'
import type { Plan } from '../lib/plan.ts'
import { benchDatabase, benchRedis, relayPairSystem } from '../lib/relay-pair.ts'
import { prepareRasoatDb } from '../lib/rasoat-system.ts'
import { docsOf, RUN_DIR, SYSTEMS, type Prepared, type SystemAdapter } from '../lib/systems.ts'
import { runW1, type W1Params, type W1Result } from './w1.ts'

export type TwoRelayParams = W1Params

export type TwoRelayRow = 'single' | 'sqlite' | 'postgres'

export interface TwoRelayResult {
  /** One relay on SQLite, same fleet and rates: the figure the two-relay rows are read against. */
  single: W1Result | null
  /** Two relays on one SQLite file (DATA_DIR shared). */
  sqlite: W1Result | null
  /** Two relays on one PostgreSQL database. */
  postgres: W1Result | null
  /** Why a row has no figures (a relay refused to start, no PostgreSQL given…). */
  skipped: Partial<Record<TwoRelayRow, string>>
}

/** One line saying why: a relay's stderr tail carries a stack; its error line is what the report needs. */
function reasonOf(e: unknown): string {
  const lines = (e instanceof Error ? e.message : String(e)).split('\n').map((l) => l.trim())
  const errorLine = lines.find((l) => /^\w*Error\b/.test(l))
  return `${lines[0] ?? ''}${errorLine && errorLine !== lines[0] ? ` … ${errorLine}` : ''}`.slice(0, 300)
}

export async function runTwoRelays(
  corpus: Corpus,
  p: TwoRelayParams,
  log: (s: string) => void,
): Promise<TwoRelayResult> {
  const out: TwoRelayResult = { single: null, sqlite: null, postgres: null, skipped: {} }
  const attempt = async (row: TwoRelayRow, sys: SystemAdapter): Promise<void> => {
    log(`  R2 ${row}: ${sys.label}`)
    try {
      out[row] = await runW1(sys, corpus, p, (s) => log(`  ${s}`))
    } catch (e) {
      out.skipped[row] = reasonOf(e)
      log(`  R2 ${row}: no figures — ${out.skipped[row]}`)
    }
  }

  const rasoat = SYSTEMS.rasoat
  await attempt('single', { ...rasoat, prepare: (_tag, c, plan) => rasoat.prepare('r2-single', c, plan) })

  const redis = await benchRedis()
  try {
    await attempt(
      'sqlite',
      relayPairSystem('sqlite', (_tag, c, plan) => rasoat.prepare('r2-sqlite', c, plan), redis.url),
    )

    const database = await benchDatabase()
    if (!database) {
      out.skipped.postgres = 'BENCH_DATABASE_URL is not set (a PostgreSQL role that may create databases)'
      log(`  R2 postgres: no figures — ${out.skipped.postgres}`)
    } else {
      try {
        const prepare = async (_tag: string, c: Corpus, plan: Plan): Promise<Prepared> => {
          // Photos only: the relays' database is PostgreSQL.
          const dir = `${RUN_DIR}rasoat-r2-postgres`
          rmSync(dir, { recursive: true, force: true })
          mkdirSync(dir, { recursive: true })
          const { openPostgres } = await import('../../server/db/open.ts')
          const db = openPostgres(database.url)
          try {
            const tokens = await prepareRasoatDb(db, docsOf(c, plan), plan)
            return { dir, env: { DATA_DIR: dir, DATABASE_URL: database.url }, tokens }
          } finally {
            db.close()
          }
        }
        await attempt('postgres', relayPairSystem('postgres', prepare, redis.url))
      } finally {
        database.drop()
      }
    }
  } finally {
    await redis.stop()
  }
  return out
}
