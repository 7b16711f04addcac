// Client budgets in headless Chromium (stub until the enumerator app lands; see runClientBudgets).
export interface ClientMeasure {
  name: string
  target: string
  value: number | null
  unit: string
  met: boolean | null
  reason?: string
}
export interface ClientBudgets {
  measures: ClientMeasure[]
  notes: string[]
}
export async function runClientBudgets(_o: { smoke: boolean; log: (s: string) => void }): Promise<ClientBudgets> {
  return { measures: [], notes: ['not measured: client budgets not implemented yet'] }
}
