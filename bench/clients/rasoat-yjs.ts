// A stock y-websocket phone against the rasoat relay's /yjs/:householdId (one socket per household, the session
// token in the query as browsers must); the relay commits each update before fanning it out, and sends no ack.

import { YWebsocketDevice } from './ywebsocket.ts'

export class RasoatYjsDevice extends YWebsocketDevice {
  protected override socketUrl(id: string): string {
    return `${this.url}/${encodeURIComponent(id)}?token=${encodeURIComponent(this.token ?? '')}`
  }
}
