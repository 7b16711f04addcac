// The return dialog's question list: layout paths the phone shows comments at, plus answered member fields, never
// workflow, history or review data.
import { expect, it } from 'vitest'
import { parsePath } from '../../shared/doc/paths.ts'
import { questionPaths } from './question-paths.ts'

it('lists valid household paths, adds answered member fields once, leaves out workflow and review paths', () => {
  const paths = questionPaths([
    'members.m1.fullName',
    'members.m1.fullName',
    'workflow.status',
    'history',
    'dwelling.floorAreaM2',
  ])
  expect(paths).toContain('dwelling.floorAreaM2')
  expect(paths).toContain('address')
  expect(paths).not.toContain('id')
  expect(paths.filter((p) => p === 'members.m1.fullName')).toHaveLength(1)
  expect(paths.filter((p) => p === 'dwelling.floorAreaM2')).toHaveLength(1)
  expect(paths.some((p) => p.startsWith('workflow') || p === 'history')).toBe(false)
  for (const p of paths) expect(parsePath(p), p).not.toBeNull()
})
