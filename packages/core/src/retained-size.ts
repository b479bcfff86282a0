/**
 * An upper estimate of the heap a verified result keeps alive, computed once when it enters the cache.
 * Measured on V8 (64-bit, Node 20): what `JSON.parse` builds costs up to 28 bytes per character of JSON
 * (`[[[[…]]]]`: 56 bytes per array; `[{},{},…]`: 64 bytes per empty object), so a budget from the token's
 * length lets small-object claims grow the heap 7× past it. Each figure below is at or above the largest
 * such measurement for its kind of value.
 */

const STRING_HEADER = 24
const TWO_BYTE = /[^\x00-\xff]/
const NUMBER = 16
const OBJECT_HEADER = 96
const PROPERTY = 40
const ARRAY_HEADER = 56
const SLOT = 8
const COLLECTION_HEADER = 96
const COLLECTION_ENTRY = 48

/** Estimated bytes retained by `value` and everything it references (a tree; shared objects counted once). */
export function retainedSize(value: unknown): number {
  let total = 0
  const seen = new Set<object>()
  const pending: unknown[] = [value]
  // Iterative: claims may nest thousands of levels deep within the token size limit.
  while (pending.length > 0) {
    const next = pending.pop()
    if (typeof next === 'string') total += stringSize(next)
    else if (typeof next === 'number' || typeof next === 'bigint') total += NUMBER
    else if (typeof next === 'object' && next !== null && !seen.has(next)) {
      seen.add(next)
      total += containerSize(next, pending)
    }
  }
  return total
}

// V8 keeps Latin-1 text at one byte per character, anything else at two.
function stringSize(text: string): number {
  return STRING_HEADER + (TWO_BYTE.test(text) ? 2 : 1) * text.length
}

function containerSize(container: object, pending: unknown[]): number {
  if (Array.isArray(container)) {
    pending.push(...container)
    return ARRAY_HEADER + SLOT * container.length
  }
  if (container instanceof Set) {
    pending.push(...container)
    return COLLECTION_HEADER + COLLECTION_ENTRY * container.size
  }
  if (container instanceof Map) {
    for (const entry of container) pending.push(...entry)
    return COLLECTION_HEADER + COLLECTION_ENTRY * container.size
  }
  // Other iterables (the granted scopes' read-only set) keep their members where Object.entries cannot see them.
  if (Symbol.iterator in container) {
    let count = 0
    for (const item of container as Iterable<unknown>) {
      pending.push(item)
      count += 1
    }
    return COLLECTION_HEADER + COLLECTION_ENTRY * count
  }
  let size = OBJECT_HEADER
  for (const [key, member] of Object.entries(container)) {
    size += PROPERTY + stringSize(key)
    pending.push(member)
  }
  return size
}
