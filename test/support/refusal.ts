/** Asserting that a verification is refused, and why. */
import assert from 'node:assert/strict'
import { isTokenGuardError, type RefusalReason, type TokenGuardError } from '@tokenguard/core'

/** Awaits `promise`, asserts it rejects with a TokenGuardError of `reason` (and `status`, if given). */
export async function expectRefusal(promise: Promise<unknown>, reason: RefusalReason, status?: number): Promise<TokenGuardError> {
  let caught: unknown
  try {
    await promise
  } catch (error) {
    caught = error
  }
  assert.ok(caught !== undefined, `expected a refusal (${reason}), but it was accepted`)
  assert.ok(isTokenGuardError(caught), `expected a TokenGuardError (${reason}), got ${String(caught)}`)
  assert.equal(caught.reason, reason, `reason (detail: ${caught.detail ?? '-'})`)
  if (status !== undefined) assert.equal(caught.status, status, 'status')
  return caught
}
