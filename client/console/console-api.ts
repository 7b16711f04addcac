// The console's HTTP calls: JSON GET/POST with the session's bearer token, failures as data with the server's stable
// code (or network/offline). Every read is a paged or filtered server query; nothing of an area is downloaded.

export type ApiResult<T> = { ok: true; body: T } | { ok: false; code: string; details?: unknown }

export class ConsoleApi {
  constructor(
    private readonly token: () => string,
    private readonly fetchFn: typeof fetch = (...a) => fetch(...a),
  ) {}

  get<T>(path: string, params: Record<string, string | undefined> = {}): Promise<ApiResult<T>> {
    const q = new URLSearchParams()
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v)
    const qs = q.toString()
    return this.#call<T>(qs ? `${path}?${qs}` : path, { method: 'GET' })
  }

  post<T>(path: string, body: unknown): Promise<ApiResult<T>> {
    return this.#call<T>(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  }

  async #call<T>(path: string, init: RequestInit): Promise<ApiResult<T>> {
    let res: Response
    try {
      res = await this.fetchFn(path, {
        ...init,
        headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${this.token()}` },
      })
    } catch {
      return { ok: false, code: 'network/offline' }
    }
    const body = (await res.json().catch(() => null)) as (T & { code?: string; details?: unknown }) | null
    if (!res.ok || body === null)
      return body?.details
        ? { ok: false, code: body.code ?? 'request/failed', details: body.details }
        : { ok: false, code: body?.code ?? 'request/failed' }
    return { ok: true, body }
  }
}
