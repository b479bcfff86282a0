/**
 * Where verification keys come from. One key source per issuer (RFC 8725 §3.8: keys are never pooled
 * across issuers). Remote sources live in `remote-key-source.ts`; the two local kinds are here.
 */
import type { CryptoKey, JSONWebKeySet, JWTVerifyGetKey } from 'jose'
import { ConfigurationError } from './errors.js'
import { describeKey, loadKeySet, screenKeySet, type KeySetSnapshot } from './key-set.js'
import { rememberSecretBytes } from './secret-bytes.js'

/** What the verifier needs from a key source. */
export interface KeySource {
  /** jose key resolver for a token's protected header. */
  readonly getKey: JWTVerifyGetKey
  /** Resolves once keys are usable (fetching them if needed); rejects with a `KeysUnavailableError`. */
  ready(): Promise<void>
  /**
   * The key resolver of the keys usable now (fetched first if needed, single flight), for the request path:
   * rejects with a `KeysUnavailableError` (503; reason `keys_misconfigured` or `keys_unavailable`), never
   * anything else. Unknown `kid`s still refetch under the cooldown.
   */
  usable(): Promise<JWTVerifyGetKey>
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
  /** What discovery found, and when (remote sources that discover; otherwise absent or `undefined`). */
  discovery?(): DiscoveryRecord | undefined
}

/** A discovered `jwks_uri`, remembered with the time it was discovered (epoch milliseconds). */
export interface DiscoveryRecord {
  readonly jwksUri: string
  readonly discoveredAt: number
}

const HMAC_HASHES: Readonly<Record<string, string>> = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' }

/**
 * Keys that never change and need no network: fixed keys (`jwks` option) for tests, air-gapped
 * deployments and pinned keys, or a shared secret (`secret` option, HS*; the JWKS path is then off).
 */
export class LocalKeySource implements KeySource {
  readonly getKey: JWTVerifyGetKey

  private constructor(getKey: JWTVerifyGetKey) {
    this.getKey = getKey
  }

  /**
   * A source over a fixed JWK Set, each key bound to one of `algorithms` (`algorithm-binding.ts`) and
   * identified within `issuer`. A key that key hygiene refuses (`key-hygiene.ts`) is a configuration error:
   * a {@link ConfigurationError} at startup names it and why.
   */
  static fromJwks(jwks: JSONWebKeySet, algorithms: readonly string[], issuer: string): LocalKeySource {
    const { keys, rejected } = settled(() => screenKeySet(jwks, Number.POSITIVE_INFINITY))
    if (rejected.length > 0) {
      const reasons = rejected.map((key) => `${describeKey(key)}: ${key.reason}`).join('; ')
      throw new ConfigurationError('jwks', `"jwks" holds keys that cannot verify tokens safely (${reasons}); remove them`)
    }
    // An empty set stays allowed (it verifies nothing, e.g. an issuer listed before its keys are known).
    return new LocalKeySource(loadKeySet({ keys }, 0, Number.POSITIVE_INFINITY, { namespace: issuer, algorithms }).resolve)
  }

  /**
   * A source that answers every token with the shared secret, imported once per HMAC algorithm: jose
   * would otherwise import raw bytes on every verification.
   */
  static fromSecret(secret: Uint8Array): LocalKeySource {
    const imported = new Map<string, Promise<CryptoKey>>()
    return new LocalKeySource(async ({ alg }) => {
      const hash = HMAC_HASHES[alg]
      if (hash === undefined) return secret // not an HMAC algorithm: jose refuses it against the allowlist
      let key = imported.get(alg)
      if (key === undefined) {
        key = (crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash }, false, ['verify']) as Promise<CryptoKey>).then((made) => {
          rememberSecretBytes(made, secret)
          return made
        })
        imported.set(alg, key)
      }
      return key
    })
  }

  async ready(): Promise<void> {}
  async usable(): Promise<JWTVerifyGetKey> {
    return this.getKey
  }
  async refresh(): Promise<void> {}
  maintain(): void {}
  export(): undefined {
    return undefined
  }
  import(): boolean {
    return false
  }
}

/** Runs a key set check of the `jwks` option, its refusal a startup error that names the option. */
function settled<T>(check: () => T): T {
  try {
    return check()
  } catch (error) {
    throw new ConfigurationError('jwks', `"jwks": ${(error as Error).message}`, { cause: error })
  }
}
