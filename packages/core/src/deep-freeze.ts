/** Freezing shared results, so that no request's handler can change what the next request sees. */

/** Makes a verified result safe to share between requests: no handler can alter what the next one sees. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value
  for (const member of Object.values(value)) deepFreeze(member)
  return Object.freeze(value)
}
