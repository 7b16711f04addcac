// The in-memory SessionStore (server tests, benchmark) against the shared store contract.
import { describeSessionStore } from './session-store-contract.ts'
import { MemorySessionStore } from './memory-store.ts'

describeSessionStore('memory', async () => {
  const store = new MemorySessionStore()
  return { store, addLocal: async (id, update) => void store.addLocal(id, update) }
})
