/**
 * The bytes behind the HMAC keys core imports from a shared secret. Core imports them non-extractable, so
 * WebCrypto never gives the secret back to whoever holds the key; the Node engine (`jwt-verify-node.ts`) makes
 * its `KeyObject` from these bytes instead of from the key, since Node 24 deprecates `KeyObject.from()` of a
 * non-extractable key (DEP0204, a warning printed by every HS256 API on Node 24).
 */
import type { CryptoKey } from 'jose'

const SECRETS = new WeakMap<CryptoKey, Uint8Array>()

/** Remembers `secret` (copied: the caller may reuse its buffer) as the bytes of `key`. */
export function rememberSecretBytes(key: CryptoKey, secret: Uint8Array): void {
  SECRETS.set(key, secret.slice())
}

/** The bytes `key` was imported from by core, or `undefined` for any other key. */
export function secretBytesOf(key: CryptoKey): Uint8Array | undefined {
  return SECRETS.get(key)
}
