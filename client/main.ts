// Composition root of the enumerator PWA: opens the device's storage, builds the dictionary, the update prompt,
// the session store and the app state, starts the photo uploader after sign-in, then mounts App.

import { mount } from 'svelte'
import App from './App.svelte'
import { AppState } from './app/app-state.svelte.ts'
import { openDevice } from './app/device.ts'
import { SessionStore } from './app/session.ts'
import { I18n, type Lang } from './i18n/index.svelte.ts'
import { AppUpdate } from './pwa/app-update.svelte.ts'
import { pendingPhotoCount, startPhotoUploader } from './photos/photo-store.ts'

const LANG_SETTING = 'locale'

async function main(): Promise<void> {
  const target = document.getElementById('app')
  if (!target) throw new Error('#app missing from index.html')
  let app: AppState | null = null
  const update = new AppUpdate(() => app?.formOpen ?? false)
  void update.start()

  const device = await openDevice(indexedDB)
  // The language choice is a device setting, stored with the others in the summary database and nowhere else.
  const i18n = new I18n(await device.summary.getSetting<Lang>(LANG_SETTING), (lang) => {
    void device.summary.setSetting(LANG_SETTING, lang)
  })
  document.documentElement.lang = i18n.lang

  app = new AppState({
    device,
    sessions: new SessionStore(device.summary),
    idb: indexedDB,
    appVersion: __APP_VERSION__,
    pendingPhotos: pendingPhotoCount,
    onSignedIn: (session) =>
      startPhotoUploader({
        baseUrl: '',
        getToken: () => session.token,
        householdScope: (id) => device.index.get(id) !== undefined,
      }),
  })
  await app.start()
  target.textContent = ''
  mount(App, { target, props: { app, i18n, update } })
  // For e2e tests and field support: read-only handles, no behaviour depends on them.
  Object.assign(window, { __rasoat: { app, device, update } })
}

main().catch((e: unknown) => {
  const target = document.getElementById('app')
  if (target)
    target.textContent = `Không mở được ứng dụng / The app could not start: ${e instanceof Error ? e.message : String(e)}`
  console.error(e)
})
