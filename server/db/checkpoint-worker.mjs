// The thread that checkpoints the WAL for checkpointer.ts, with its own connection to the database file: each
// 'checkpoint' message runs PASSIVE checkpoints and answers how many frames the WAL holds and how many were copied.
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'

const db = new Database(workerData.file)
db.pragma('busy_timeout = 0')
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close()
    parentPort.close()
    return
  }
  try {
    // Frames committed while it copies are copied by the next round, each shorter than the last: the WAL is rewound
    // (and stops growing) only when a round ends with every frame copied before the next COMMIT.
    let r
    for (let round = 0; round < 16; round++) {
      r = db.pragma('wal_checkpoint(PASSIVE)')[0]
      if (r.busy === 1 || r.checkpointed >= r.log) break
    }
    parentPort.postMessage({ ok: true, log: r.log, checkpointed: r.checkpointed, busy: r.busy === 1 })
  } catch (e) {
    // Another process's checkpoint holds the lock (relays sharing one file): its copy serves this one too.
    if (e && (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED')) {
      parentPort.postMessage({ ok: true, log: -1, checkpointed: -1, busy: true })
      return
    }
    parentPort.postMessage({ ok: false, error: String((e && e.message) || e), code: e && e.code })
  }
})
