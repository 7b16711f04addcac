// Composition root of the enumerator PWA: builds the dictionary, the update prompt and the app state, then mounts App.
// Nothing else creates long-lived objects; components receive them through context.

import { mount } from 'svelte'
import App from './App.svelte'
import { I18n } from './i18n/index.svelte.ts'
import { AppUpdate } from './pwa/app-update.svelte.ts'

const i18n = new I18n()
document.documentElement.lang = i18n.lang
let formOpen = false
const update = new AppUpdate(() => formOpen)
void update.start()

const target = document.getElementById('app')
if (!target) throw new Error('#app missing from index.html')
target.textContent = ''
mount(App, { target, props: { i18n, update, setFormOpen: (open: boolean) => (formOpen = open) } })
