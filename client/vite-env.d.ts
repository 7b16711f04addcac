// Ambient declarations for the client build: Vite's client types and the version injected by vite.config.ts.
/// <reference types="vite/client" />
declare const __APP_VERSION__: string
