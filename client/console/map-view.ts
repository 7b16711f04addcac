// The map's place in the URL hash (`#map@lat,lng,zoom`), so a view can be shared or reopened, and the flags' words.

export interface MapPlace {
  lat: number
  lng: number
  zoom: number
}

export function readMapHash(hash: string): MapPlace | null {
  const m = /^#map@(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?),(\d{1,2})$/.exec(hash)
  if (!m) return null
  const [lat, lng, zoom] = [Number(m[1]), Number(m[2]), Number(m[3])]
  return Math.abs(lat) <= 90 && Math.abs(lng) <= 180 && zoom <= 22 ? { lat, lng, zoom } : null
}

export function writeMapHash(map: { getCenter(): { lat: number; lng: number }; getZoom(): number }): void {
  const c = map.getCenter()
  history.replaceState(history.state, '', `#map@${c.lat.toFixed(5)},${c.lng.toFixed(5)},${map.getZoom()}`)
}

export function pinFlagTitle(t: (key: string) => string, flag: string): string {
  return t(`console.map.flag.${flag}`)
}
