/**
 * The test issuer's signing keys: one current key per algorithm, older keys kept published after a
 * rotation until dropped, and per-algorithm "stranger" keys that are never published (for tokens signed by
 * an unknown key).
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose'

/** Algorithms the test issuer can sign with. */
export type SigningAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'EdDSA'

export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = Object.freeze(['RS256', 'PS256', 'ES256', 'EdDSA'])

/** A key the issuer holds: the private half for signing, the public JWK as published. */
export interface IssuerKey {
  readonly kid: string
  readonly alg: SigningAlgorithm
  readonly privateKey: CryptoKey
  /** The published JWK (`kty`, key members, `kid`, `alg`, `use: sig`). */
  readonly jwk: Readonly<JWK>
}

/** What {@link KeyRing.list} tells about a key. */
export interface KeyInfo {
  readonly kid: string
  readonly alg: SigningAlgorithm
  /** Whether `sign()` uses it by default for its algorithm. */
  readonly current: boolean
  /** Whether the JWK Set lists it. */
  readonly published: boolean
}

/** Generates a key pair for `alg`; the key id is the RFC 7638 thumbprint of the public key. */
export async function generateIssuerKey(alg: SigningAlgorithm): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const bare = await exportJWK(publicKey)
  const kid = await calculateJwkThumbprint(bare)
  return { kid, alg, privateKey, jwk: Object.freeze({ ...bare, kid, alg, use: 'sig' }) }
}

export class KeyRing {
  readonly #published: IssuerKey[]
  readonly #dropped: IssuerKey[] = []
  readonly #current = new Map<SigningAlgorithm, IssuerKey>()
  readonly #strangers = new Map<SigningAlgorithm, Promise<IssuerKey>>()

  private constructor(keys: IssuerKey[]) {
    this.#published = keys
    for (const key of keys) this.#current.set(key.alg, key)
  }

  /** One current key per algorithm of `algorithms`. */
  static async create(algorithms: readonly SigningAlgorithm[]): Promise<KeyRing> {
    return new KeyRing(await Promise.all(algorithms.map(generateIssuerKey)))
  }

  /** The current key for `alg`, or `undefined` when the issuer was not configured for it. */
  current(alg: SigningAlgorithm): IssuerKey | undefined {
    return this.#current.get(alg)
  }

  /** A published or dropped key by its `kid`. */
  find(kid: string): IssuerKey | undefined {
    return this.#published.find((key) => key.kid === kid) ?? this.#dropped.find((key) => key.kid === kid)
  }

  /**
   * Publishes a new key for `alg` and makes it current. With `drop`, the keys of `alg` published before
   * leave the set (they can still sign, through `sign(…, { key: kid })`, for tokens the verifier must refuse).
   */
  async rotate(alg: SigningAlgorithm, drop: boolean): Promise<IssuerKey> {
    const next = await generateIssuerKey(alg)
    if (drop) {
      for (let index = this.#published.length - 1; index >= 0; index--) {
        if (this.#published[index]!.alg === alg) this.#dropped.push(...this.#published.splice(index, 1))
      }
    }
    this.#published.push(next)
    this.#current.set(alg, next)
    return next
  }

  /** A key for `alg` that is never published; the same one for every call on this ring. */
  stranger(alg: SigningAlgorithm): Promise<IssuerKey> {
    let key = this.#strangers.get(alg)
    if (key === undefined) {
      key = generateIssuerKey(alg)
      this.#strangers.set(alg, key)
    }
    return key
  }

  /** The JWK Set document, fresh objects on every call. */
  jwks(): JSONWebKeySet {
    return { keys: this.#published.map((key) => ({ ...key.jwk })) }
  }

  list(): KeyInfo[] {
    const info = (key: IssuerKey, published: boolean): KeyInfo => ({ kid: key.kid, alg: key.alg, current: this.#current.get(key.alg) === key, published })
    return [...this.#published.map((key) => info(key, true)), ...this.#dropped.map((key) => info(key, false))]
  }
}
