// Builds a realistic household Y.Doc through the team's HouseholdDoc + makeHousehold(), if they have landed;
// returns null otherwise so the corpus falls back to a generic shape (the bench never spells Yjs keys itself).

export interface HouseholdBuilder {
  shape: string
  build(i: number, id: string): Uint8Array
}

export async function buildWithHouseholdDoc(): Promise<HouseholdBuilder | null> {
  return null
}
