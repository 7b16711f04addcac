// The server runs through tsx, which compiles with esbuild's keepNames: each function — also every closure made per
// connection — gets its name defined again (`__name`), turning it into a dictionary-mode object with a ~256 B table
// of its own. Defining a function's name to the name it already has changes nothing, so that call is skipped here.

const define = Object.defineProperty

function sameName(target: unknown, key: PropertyKey, desc: PropertyDescriptor): boolean {
  if (key !== 'name' || typeof target !== 'function' || !Object.hasOwn(target, 'name')) return false
  const own = Object.getOwnPropertyDescriptor(target, 'name')
  return (
    own !== undefined &&
    'value' in desc &&
    desc.value === own.value &&
    desc.get === undefined &&
    desc.set === undefined &&
    (desc.writable ?? false) === own.writable &&
    (desc.enumerable ?? false) === own.enumerable &&
    (desc.configurable ?? false) === own.configurable
  )
}

Object.defineProperty = function defineProperty<T>(target: T, key: PropertyKey, desc: PropertyDescriptor): T {
  return sameName(target, key, desc) ? target : define(target, key, desc)
} as typeof Object.defineProperty
