// A worker thread that runs a TypeScript module as the rest of the server does: through tsx's loader, registered in
// the worker itself (a worker does not inherit the loader of the thread that starts it).
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

/** tsx/esm/api's "import" export (its "require" one cannot load ESM from an eval'd worker). */
const TSX_ESM_API = 'dist/esm/api/index.mjs'

/** Starts `entry` (a .ts module's URL) on a new worker thread with `workerData`. */
export function startTsWorker(entry: URL, workerData: unknown): Worker {
  const tsx = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), TSX_ESM_API)).href
  const href = JSON.stringify(entry.href)
  const boot = `import(${JSON.stringify(tsx)}).then((t) => t.tsImport(${href}, ${href}))`
  return new Worker(boot, { eval: true, workerData })
}
