/**
 * The attack corpus: every hostile token tokenguard is tested against, as one table. Each case names the
 * verifier profile it targets and the only acceptable outcome; `attacks.test.ts` runs the table against
 * core `verify()` and over real HTTP through every adapter.
 */
import type { RefusalReason } from '@tokenguard/core'
import type { AttackCase } from './corpus-fixtures.js'
import { CLAIM_CASES } from './corpus-claims.js'
import { ISSUER_CASES } from './corpus-issuers.js'
import { SIGNATURE_CASES } from './corpus-signature.js'
import { STRUCTURE_CASES } from './corpus-structure.js'

export type { AttackCase, CorpusFixtures, ProfileName } from './corpus-fixtures.js'

export const ATTACK_CASES: readonly AttackCase[] = [...SIGNATURE_CASES, ...CLAIM_CASES, ...ISSUER_CASES, ...STRUCTURE_CASES]

/** The refusal reasons a case allows (empty for an accepted control). */
export function allowedReasons(c: AttackCase): readonly RefusalReason[] {
  if (c.expect === 'accepted') return []
  return typeof c.expect === 'string' ? [c.expect] : c.expect
}

// RFC 6750 §2.1 b64token: what an Authorization header may carry at all; anything else is a 400.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/

/** What the wire must show for a case's token: the status, and the reason the operator channel records. */
export function httpExpectation(c: AttackCase, token: string): { status: number; error?: string; reasons: readonly string[] } {
  if (c.expect === 'accepted') return { status: 200, reasons: [] }
  if (!B64TOKEN.test(token)) return { status: 400, error: 'invalid_request', reasons: ['malformed_authorization_header'] }
  return { status: 401, error: 'invalid_token', reasons: allowedReasons(c) }
}
