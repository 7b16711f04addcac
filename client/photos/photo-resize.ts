// Shrinks a camera photo on the phone before it is stored: long side ≤ 1280 px, JPEG ≈ 0.8 quality
// (≈ 100–200 KB instead of 3–8 MB), using OffscreenCanvas where the browser has it, a <canvas> otherwise.

export const PHOTO_MAX_SIDE = 1280
export const PHOTO_QUALITY = 0.8

/** Target size keeping the aspect ratio; never enlarges. */
export function fitWithin(
  width: number,
  height: number,
  maxSide: number = PHOTO_MAX_SIDE,
): { width: number; height: number } {
  const long = Math.max(width, height)
  if (long <= maxSide || long === 0) return { width, height }
  const scale = maxSide / long
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}

export async function resizePhoto(
  file: Blob,
  maxSide: number = PHOTO_MAX_SIDE,
  quality: number = PHOTO_QUALITY,
): Promise<Blob> {
  // imageOrientation 'from-image' applies the EXIF rotation phones write instead of rotating pixels.
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
  try {
    const { width, height } = fitWithin(bitmap.width, bitmap.height, maxSide)
    if (typeof OffscreenCanvas !== 'undefined') {
      const canvas = new OffscreenCanvas(width, height)
      const ctx = canvas.getContext('2d')
      if (!ctx) throw new Error('photo/no-canvas')
      ctx.drawImage(bitmap, 0, 0, width, height)
      return await canvas.convertToBlob({ type: 'image/jpeg', quality })
    }
    const canvas = document.createElement('canvas')
    canvas.width = width
    canvas.height = height
    const ctx = canvas.getContext('2d')
    if (!ctx) throw new Error('photo/no-canvas')
    ctx.drawImage(bitmap, 0, 0, width, height)
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('photo/encode-failed'))), 'image/jpeg', quality),
    )
  } finally {
    bitmap.close()
  }
}
