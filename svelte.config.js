// Svelte compiler options, passed explicitly to the Vite plugin because Vite's root is client/ (TOOLCHAIN trap 6).
// Runes everywhere: components are thin over state classes in .svelte.ts files.
export default {
  compilerOptions: { runes: true },
}
