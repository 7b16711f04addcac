// `npm run cli -- seed --households N [--seed S] [--units U] [--workers W] [--data-dir D]`: synthetic Huế households
// for demos and load tests (documents built on W worker threads, default one per core beside the writing thread, 0 =
// this one); prints time and database size, and the demo logins the first time (once).

import { statSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { createDocStore } from '../store/doc-store.ts'
import { createDemoUsers } from '../seed/demo.ts'
import { seedHouseholds } from '../seed/seed.ts'
import { defaultSeedWorkers, seedHouseholdsParallel } from '../seed/seed-parallel.ts'
import { openCliDatabase } from './database.ts'

const USAGE = 'usage: seed --households N [--seed S] [--units U] [--workers W] [--data-dir D]\n'

function fileSize(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

export async function run(args: string[]): Promise<number> {
  let values
  try {
    values = parseArgs({
      args,
      options: {
        households: { type: 'string' },
        seed: { type: 'string' },
        units: { type: 'string' },
        workers: { type: 'string' },
        'data-dir': { type: 'string' },
      },
      strict: true,
    }).values
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`)
    return 2
  }
  const n = Number(values.households)
  const seed = values.seed === undefined ? 1 : Number(values.seed)
  const units = values.units === undefined ? undefined : Number(values.units)
  // Workers build while this thread writes: on 2 cores ~5 % more CPU for ~⅓ less wall time (docs/server.md "Measurements").
  const workers = values.workers === undefined ? defaultSeedWorkers() : Number(values.workers)
  if (
    !Number.isInteger(n) ||
    n < 1 ||
    n > 2_000_000 ||
    !Number.isInteger(seed) ||
    (units !== undefined && !(units >= 1 && units <= 40)) ||
    !(Number.isInteger(workers) && workers >= 0 && workers <= 16)
  ) {
    process.stderr.write(USAGE)
    return 2
  }
  const { db, file } = openCliDatabase(values['data-dir'])
  try {
    const progress = n >= 10_000 && process.stderr.isTTY
    const seedOpts = {
      households: n,
      seed,
      ...(units !== undefined ? { units } : {}),
      onBatch: (done: number, total: number) => {
        if (progress) process.stderr.write(`\r${done}/${total}`)
      },
    }
    const docStore = createDocStore(db)
    const result =
      workers === 0
        ? seedHouseholds(db, docStore, seedOpts)
        : await seedHouseholdsParallel(db, docStore, { ...seedOpts, workers })
    if (progress) process.stderr.write('\n')
    db.pragma('wal_checkpoint(TRUNCATE)')
    const first = result.villages[0]
    const users = first
      ? await createDemoUsers(db, {
          enumVillages: result.villages.slice(0, 2).map((v) => v.id),
          supervisorUnit: first.unitCode,
        })
      : null
    const seconds = result.ms / 1000
    process.stdout.write(
      `${JSON.stringify({
        households: result.households,
        units: new Set(result.villages.map((v) => v.unitCode)).size,
        villages: result.villages.length,
        seconds: Math.round(seconds * 10) / 10,
        householdsPerSecond: Math.round(result.households / seconds),
        databaseBytes: fileSize(file) + fileSize(`${file}-wal`),
        database: file,
      })}\n`,
    )
    if (users) {
      process.stdout.write('Demo logins (shown once):\n')
      for (const u of users)
        process.stdout.write(`  ${u.username.padEnd(8)} ${u.role.padEnd(11)} password: ${u.password}\n`)
    }
    return 0
  } finally {
    db.close()
  }
}
