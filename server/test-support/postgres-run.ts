// The suite's PostgreSQL run (RASOAT_TEST_ENGINE=postgres): one database per run on the server of
// RASOAT_TEST_DATABASE_URL, created before the first test file and dropped after the last; each database file a test
// opens becomes its own schema there (db/open.ts testSchemaOf), so test files in parallel never share tables.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    postgresRunUrl: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = process.env.RASOAT_TEST_DATABASE_URL
  if (!server) throw new Error('RASOAT_TEST_ENGINE=postgres needs RASOAT_TEST_DATABASE_URL (a PostgreSQL server)')
  const name = `${process.env.RASOAT_TEST_DATABASE_PREFIX ?? 'rasoat_test'}_${randomBytes(5).toString('hex')}`
  const admin = async (sql: string): Promise<void> => {
    const c = new pg.Client({ connectionString: server })
    await c.connect()
    try {
      await c.query(sql)
    } finally {
      await c.end()
    }
  }
  await admin(`CREATE DATABASE ${name}`)
  const url = new URL(server)
  url.pathname = `/${name}`
  project.provide('postgresRunUrl', url.toString())
  return () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
}
