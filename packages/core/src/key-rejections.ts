/**
 * Reporting the members of a key set that key hygiene refused (`key-hygiene.ts`): one `key_rejected` event
 * per key and reason when it first appears, so that a refresh every few minutes of the same set does not
 * repeat the same warning — and a key that leaves the set and comes back is reported again.
 */
import { emit, type KeySourceEventListener } from './events.js'
import { describeKey, type RejectedKey } from './key-set.js'

/** Reports what one key source's fetches refused; call it with every fetched set's refusals (also none). */
export type RejectionReporter = (uri: string, rejected: readonly RejectedKey[]) => void

/** A reporter for one key source, remembering what it reported for the set in use. */
export function rejectionReporter(onEvent: KeySourceEventListener | undefined): RejectionReporter {
  let reported = new Set<string>()
  return (uri, rejected) => {
    const current = new Set<string>()
    for (const key of rejected) {
      const id = `${describeKey(key)}: ${key.reason}`
      current.add(id)
      if (!reported.has(id)) emit(onEvent, { type: 'key_rejected', uri, kid: key.kid, index: key.index, reason: key.reason })
    }
    reported = current
  }
}
