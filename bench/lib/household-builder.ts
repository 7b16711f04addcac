// Builds a realistic household Y.Doc through HouseholdDoc + makeHousehold() (layout v1), then a few
// field revisits, so the corpus carries the edit history a real household has after a visit.

import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { makeHousehold } from '../../shared/test-support/household-fixtures.ts'
import { editableFields, editField } from './edits.ts'

export interface HouseholdBuilder {
  shape: string
  build(i: number, id: string): Uint8Array
}

export const householdBuilder: HouseholdBuilder = {
  shape: 'HouseholdDoc.create(makeHousehold(seed)) + 12 field revisits (layout v1)',
  build(i, id) {
    const h = makeHousehold({ id }, 7_000 + i)
    const doc = HouseholdDoc.create(h, { clientId: 2_000_000 + i })
    const fields = editableFields(doc.ydoc)
    for (let e = 0; e < 12 && fields.length; e++)
      editField(doc.ydoc, fields[(i * 13 + e * 7) % fields.length] as string[], e)
    const state = Y.encodeStateAsUpdate(doc.ydoc)
    doc.ydoc.destroy()
    return state
  },
}
