// `npm run cli -- user add --username U --password P --role R [--unit CODE] [--villages A,B] [--name "…"] [--data-dir D]`

import { parseArgs } from 'node:util'
import { ZodError } from 'zod'
import { createUser, UnknownPlaceError, UsernameTakenError } from '../auth/users.ts'
import { openCliDatabase } from './database.ts'

const USAGE = 'usage: user add --username U --password P --role enumerator|supervisor|admin|observer [--unit CODE] [--villages A,B] [--name NAME] [--data-dir D]\n'

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (sub !== 'add') {
    process.stderr.write(USAGE)
    return 2
  }
  let values
  try {
    values = parseArgs({
      args: rest,
      options: {
        username: { type: 'string' },
        password: { type: 'string' },
        role: { type: 'string' },
        unit: { type: 'string' },
        villages: { type: 'string' },
        name: { type: 'string' },
        'data-dir': { type: 'string' },
      },
      strict: true,
    }).values
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`)
    return 2
  }
  const { db } = openCliDatabase(values['data-dir'])
  try {
    const user = await createUser(db, {
      username: values.username ?? '',
      password: values.password ?? '',
      // zod checks the role; the cast only satisfies the type of the input object.
      role: (values.role ?? '') as 'admin',
      unitCode: values.unit ?? null,
      villages: values.villages ? values.villages.split(',').map((v) => v.trim()).filter(Boolean) : [],
      ...(values.name ? { displayName: values.name } : {}),
    })
    process.stdout.write(`${JSON.stringify({ user })}\n`)
    return 0
  } catch (err) {
    if (err instanceof ZodError) {
      for (const i of err.issues) process.stderr.write(`${i.path.join('.') || '(input)'}: ${i.message}\n`)
      return 2
    }
    if (err instanceof UsernameTakenError || err instanceof UnknownPlaceError) {
      process.stderr.write(`${err.message}\n`)
      return 2
    }
    throw err
  } finally {
    db.close()
  }
}

