/**
 * Where verification keys come from. One key source per issuer (RFC 8725 §3.8: keys are never pooled
 * across issuers). Remote sources live in `remote-key-source.ts`; the two local kinds are here.
 */
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose'
import type { KeySetSnapshot } from './key-set.js'

/** What the verifier needs from a key source. */
export interface KeySource {
  /** jose key resolver for a token's protected header. */
  readonly getKey: JWTVerifyGetKey
  /** Resolves once keys are usable (fetching them if needed); rejects with a `KeysUnavailableError`. */
  ready(): Promise<void>
  /** Fetches the key set now (single flight with any fetch under way). Static sources do nothing. */
  refresh(): Promise<void>
  /**
   * Starts a background refresh if the keys in use are due for one; never waits, never throws. Called on
   * verified-token cache hits, which skip key lookup, so that traffic made only of cached tokens still
   * keeps the key set (and so key removals) current.
   */
  maintain(): void
  /** A JSON-serialisable snapshot of the current keys, to persist for cold starts; `undefined` if none. */
  export(): KeySetSnapshot | undefined
  /** Loads a snapshot; returns whether it was taken (it must match this source and be newer). */
  import(snapshot: unknown): boolean
}

/** Keys given in the configuration (`jwks` option): for tests, air-gapped deployments, pinned keys. */
export class StaticKeySource implements KeySource {
  readonly getKey: JWTVerifyGetKey

  constructor(jwks: JSONWebKeySet) {
    this.getKey = createLocalJWKSet(jwks)
  }

  async ready(): Promise<void> {}
  async refresh(): Promise<void> {}
  maintain(): void {}
  export(): undefined {
    return undefined
  }
  import(): boolean {
    return false
  }
}

/** A shared secret for HS256/384/512 (`secret` option); the JWKS path is off. */
export class SecretKeySource implements KeySource {
  readonly getKey: JWTVerifyGetKey

  constructor(secret: Uint8Array) {
    this.getKey = async () => secret
  }

  async ready(): Promise<void> {}
  async refresh(): Promise<void> {}
  maintain(): void {}
  export(): undefined {
    return undefined
  }
  import(): boolean {
    return false
  }
}
