/**
 * The client's DPoP key (RFC 9449 §2): made once, then used for every proof of every token it binds. It can
 * be exported and imported again, so that a restarted process keeps the key its cached tokens are bound to.
 * Key generation and proofs are panva's `dpop` package; export and import are jose's.
 */
import { calculateThumbprint, generateKeyPair, type JWSAlgorithm, type KeyPair } from 'dpop'
import { exportJWK, importJWK, type CryptoKey, type JWK } from 'jose'

/** Proof algorithms the client can sign with. */
export type DPoPAlgorithm = JWSAlgorithm

/** A DPoP key pair, with its RFC 7638 thumbprint (the `cnf.jkt` of the tokens bound to it). */
export interface DPoPKey {
  readonly alg: DPoPAlgorithm
  readonly keyPair: KeyPair
  /** base64url SHA-256 JWK thumbprint of the public key. */
  readonly thumbprint: string
  /** The key as JWKs, to persist (keep the private JWK secret); throws if the key was made non-extractable. */
  export(): Promise<ExportedDPoPKey>
}

/** A persisted DPoP key, as {@link DPoPKey.export} gives it. */
export interface ExportedDPoPKey {
  alg: DPoPAlgorithm
  privateJwk: JWK
  publicJwk: JWK
}

const ALGORITHMS: readonly DPoPAlgorithm[] = ['ES256', 'Ed25519', 'RS256', 'PS256']

/**
 * Generates a DPoP key. `extractable: false` keeps the private key inside WebCrypto (it then cannot be
 * exported). Default algorithm is ES256, default `extractable` is `true`.
 *
 * @example
 * ```ts
 * const key = await generateDPoPKey()
 * await writeFile('dpop-key.json', JSON.stringify(await key.export()), { mode: 0o600 })
 * const client = createTokenClient({ ..., dpop: key })
 * ```
 */
export async function generateDPoPKey(alg: DPoPAlgorithm = 'ES256', options: { extractable?: boolean } = {}): Promise<DPoPKey> {
  if (!ALGORITHMS.includes(alg)) throw new TypeError(`DPoP algorithm must be one of ${ALGORITHMS.join(', ')}`)
  return dpopKey(alg, await generateKeyPair(alg, { extractable: options.extractable !== false }))
}

/** Imports a key saved with {@link DPoPKey.export}. */
export async function importDPoPKey(exported: ExportedDPoPKey): Promise<DPoPKey> {
  if (typeof exported !== 'object' || exported === null || !ALGORITHMS.includes(exported.alg)) throw new TypeError('importDPoPKey needs { alg, privateJwk, publicJwk } from DPoPKey.export()')
  const privateKey = (await importJWK(exported.privateJwk, exported.alg, { extractable: true })) as CryptoKey
  const publicKey = (await importJWK(exported.publicJwk, exported.alg, { extractable: true })) as CryptoKey
  if (privateKey.type !== 'private' || publicKey.type !== 'public') throw new TypeError('importDPoPKey: privateJwk must be a private key and publicJwk its public key')
  return dpopKey(exported.alg, { privateKey, publicKey } as KeyPair)
}

/** Whether `value` is a {@link DPoPKey}. */
export function isDPoPKey(value: unknown): value is DPoPKey {
  return typeof value === 'object' && value !== null && typeof (value as DPoPKey).thumbprint === 'string' && typeof (value as DPoPKey).keyPair === 'object'
}

async function dpopKey(alg: DPoPAlgorithm, keyPair: KeyPair): Promise<DPoPKey> {
  const thumbprint = await calculateThumbprint(keyPair.publicKey)
  return Object.freeze({
    alg,
    keyPair,
    thumbprint,
    async export(): Promise<ExportedDPoPKey> {
      return { alg, privateJwk: await exportJWK(keyPair.privateKey), publicJwk: await exportJWK(keyPair.publicKey) }
    },
    toJSON: () => ({ alg, thumbprint }),
  })
}
