// A review period as the server stores it and the console shows it (`GET /api/periods`, `/api/periods/counts`): one
// shape for both sides of the wire.

export type PeriodStatus = 'open' | 'closed'

export interface Period {
  id: string
  standard: string
  referenceDate: string
  isCurrent: boolean
  status: PeriodStatus
  previousId: string | null
  openedAt: number | null
  closedAt: number | null
}

export interface PeriodCounts {
  period: string
  households: number
  poor: number
  nearPoor: number
  /** Records carried over from the previous period. */
  carried: number
}
