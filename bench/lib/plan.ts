// A workload's cast: groups of households shared by groups of devices (a village and the phones assigned to it).
// Each system turns the same plan into its own data directory (rasoat: villages, users, assignments; peers: docs).

export interface PlanGroup {
  name: string
  households: string[]
  devices: string[]
}

export interface Plan {
  groups: PlanGroup[]
  /** Every household in the data store (may include households no device holds, e.g. W4's stored-only ones). */
  stored: string[]
}

export function householdsOf(plan: Plan, device: string): string[] {
  for (const g of plan.groups) if (g.devices.includes(device)) return g.households
  return []
}

export function devicesOf(plan: Plan): string[] {
  return plan.groups.flatMap((g) => g.devices)
}
