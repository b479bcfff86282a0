/**
 * Server-issued DPoP nonces (RFC 9449 §9) without shared state: the nonce of a time window is an HMAC of the
 * window's number under a secret, so every instance of a fleet that shares the secret issues and accepts the
 * same nonces, and nothing is stored. A nonce is accepted in its own window and the next one, so a client
 * whose nonce rotated while its request was in flight is not refused; it is handed the current nonce instead.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-9
 */
import { base64url } from 'jose'

/** What a nonce in a proof is worth. */
export type NonceVerdict = 'current' | 'previous' | 'invalid'

/** The nonces of one verifier. */
export interface DPoPNonces {
  /** The nonce to hand out now. */
  current(): Promise<string>
  /** Whether `nonce` is this window's, the previous window's, or neither. */
  check(nonce: string): Promise<NonceVerdict>
}

const LABEL = 'tokenguard DPoP nonce '

/** Nonces from `secret` (at least 32 bytes), rotating every `rotationMs` milliseconds. */
export function createNonces(secret: Uint8Array, rotationMs: number, now: () => number = Date.now): DPoPNonces {
  const key = crypto.subtle.importKey('raw', secret as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  // Two windows' nonces are all that is ever compared with: computed once per window, not per request.
  const computed = new Map<number, Promise<string>>()

  function nonceOf(window: number): Promise<string> {
    let nonce = computed.get(window)
    if (nonce === undefined) {
      nonce = key.then(async (hmacKey) => base64url.encode(new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, new TextEncoder().encode(LABEL + window))).slice(0, 18)))
      computed.set(window, nonce)
      for (const old of computed.keys()) if (old < window - 1) computed.delete(old)
    }
    return nonce
  }

  const windowNow = () => Math.floor(now() / rotationMs)

  return {
    current: () => nonceOf(windowNow()),
    async check(nonce) {
      const window = windowNow()
      if (nonce === (await nonceOf(window))) return 'current'
      if (nonce === (await nonceOf(window - 1))) return 'previous'
      return 'invalid'
    },
  }
}

/** A random secret for a verifier that was given none: nonces then work within this process only. */
export function randomNonceSecret(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32))
}
