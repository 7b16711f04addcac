// Vietnamese core dictionary of the shell (the default language). Keys are stable; survey keys live in survey.ts.
export const vi: Record<string, string> = {
  'app.title': 'Rà soát hộ nghèo',
  'update.ready': 'Đã có phiên bản mới.',
}
