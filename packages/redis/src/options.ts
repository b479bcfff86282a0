/**
 * Option checks shared by the Redis stores: unknown keys and wrong types are refused when the store is
 * created, with a message naming the fix, instead of being ignored until the first request.
 */

/** Refuses anything but a plain object whose keys are all in `known`. */
export function assertOptions(options: unknown, store: string, known: readonly string[]): asserts options is Record<string, unknown> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(`tokenguard: ${store} options must be an object`)
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) throw new TypeError(`tokenguard: ${store} has no option "${name}" (known: ${known.join(', ')})`)
  }
}

/** A key prefix: a non-empty string, or `fallback` when not given. */
export function settlePrefix(value: unknown, store: string, fallback: string): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || value === '') throw new TypeError(`tokenguard: ${store} "prefix" must be a non-empty string`)
  return value
}

/** Checks that `redis` has the methods a store calls, so a wrong argument fails at startup. */
export function assertCommands(redis: unknown, store: string, commands: readonly string[]): void {
  const missing = commands.filter((name) => typeof (redis as Record<string, unknown> | null)?.[name] !== 'function')
  if (missing.length > 0) throw new TypeError(`tokenguard: ${store} needs a Redis client (e.g. new Redis(url) from ioredis); missing ${missing.map((name) => `${name}()`).join(', ')}`)
}
