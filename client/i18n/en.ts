// English core dictionary of the shell. Same keys as vi.ts.
export const en: Record<string, string> = {
  'app.title': 'Poor-household review',
  'update.ready': 'A new version is available.',
}
