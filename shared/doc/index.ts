// The household document module: typed Yjs model, layout v1, migrations and update inspection.
// Import from here; only this folder spells Yjs keys.

export * from './keys.ts'
export * from './paths.ts'
export * from './workflow.ts'
export * from './snapshot.ts'
export * from './household-doc.ts'
export * from './migrate.ts'
export * from './record-category.ts'
export * from './inspect-update.ts'
export * from './apply-update.ts'
export * from './proposals.ts'
