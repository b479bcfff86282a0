/**
 * The adapter's own options, checked once: a key neither the adapter nor the verifier knows is a typo that
 * would otherwise be ignored (and `scope` for `scopes` would leave a route less protected than meant).
 */
import { assertKnownKeys, MULTI_ISSUER_OPTION_KEYS, VERIFIER_OPTION_KEYS } from '@tokenguard/core/adapter'

const ADAPTER_KEYS = ['scopes', 'anyScopes', 'optional', 'claims', 'onError', 'errorHandling', 'logger', 'logLevels', 'protectedResourceMetadata'] as const

/** Refuses wrong types of the adapter's options, and unknown keys beside an existing `verifier`. */
export function assertAdapterOptions(options: object): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('tokenguard: authenticate() options must be an object')
  const given = options as Record<string, unknown>
  if (given.errorHandling !== undefined && given.errorHandling !== 'respond' && given.errorHandling !== 'next') {
    throw new TypeError('tokenguard: "errorHandling" must be "respond" (answer refusals) or "next" (pass them to your error handlers)')
  }
  // With a verifier, its options are fixed: anything else here is the adapter's or a mistake. Checked here
  // against both lists, so that "scope" is answered with "did you mean scopes?".
  const verifierKeys = 'verifier' in given ? ['verifier'] : 'issuers' in given ? MULTI_ISSUER_OPTION_KEYS : VERIFIER_OPTION_KEYS
  assertKnownKeys(given, [...verifierKeys, ...ADAPTER_KEYS], 'authenticate() options')
}

