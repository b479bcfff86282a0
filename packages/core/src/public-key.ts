/**
 * One fixed verification key (`publicKey` option): a PEM string (SPKI public key or X.509 certificate) or a
 * single public JWK, for deployments whose provider hands out a key instead of a JWK Set URL. Checked when
 * the verifier is created (its form, that it is public, its one algorithm); imported once, with jose, in
 * the background — an import that fails is a misconfiguration: `ready()` rejects with a
 * {@link ConfigurationError}, requests are answered 503 `keys_misconfigured`.
 *
 * One key verifies one algorithm (RFC 8725 §3.1): an RSA key could otherwise be used for RS256 and PS256
 * alike, so the algorithm is always named, never guessed from the key.
 */
import { errors as joseErrors, exportJWK, importJWK, importSPKI, importX509, type CryptoKey, type JWK, type JWTVerifyGetKey } from 'jose'
import { ConfigurationError, KeysUnavailableError } from './errors.js'
import { keyProblem } from './key-hygiene.js'
import type { KeySource } from './key-source.js'
import { describe, optionalNameList } from './option-values.js'

/** A fixed key whose form and algorithm were checked. */
export interface SettledPublicKey {
  readonly form: 'spki' | 'x509' | 'jwk'
  readonly key: string | JWK
  /** The one algorithm it verifies. */
  readonly alg: string
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g
// Members only private or symmetric keys carry: a verification key has none of them.
const SECRET_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'] as const
const FIX_ALGORITHM = 'one key verifies one algorithm (RFC 8725 §3.1): name it, e.g. algorithms: ["RS256"]'

/**
 * Checks `publicKey` and settles its algorithm from `algorithms` (exactly one) or the JWK's `alg`.
 *
 * @param asymmetric The algorithm names a public key may verify.
 * @throws {ConfigurationError} naming the option and the fix.
 */
export function settlePublicKey(publicKey: unknown, algorithms: unknown, asymmetric: ReadonlySet<string>): SettledPublicKey {
  const listed = optionalNameList(algorithms, 'algorithms', 'algorithm names')
  if (listed !== undefined && listed.length !== 1) {
    throw new ConfigurationError('algorithms', `with "publicKey", "algorithms" lists exactly one algorithm — ${FIX_ALGORITHM}; got ${describe(algorithms)}`)
  }
  const { form, key, ownAlg } = typeof publicKey === 'string' ? pemForm(publicKey) : jwkForm(publicKey)
  if (listed !== undefined && ownAlg !== undefined && listed[0] !== ownAlg) {
    throw new ConfigurationError('algorithms', `"algorithms" ${JSON.stringify(listed)} contradicts the JWK's "alg" ${JSON.stringify(ownAlg)} — give one of them`)
  }
  const alg = listed?.[0] ?? ownAlg
  if (alg === undefined) throw new ConfigurationError('algorithms', `"publicKey" needs its algorithm — ${FIX_ALGORITHM}`)
  if (!asymmetric.has(alg)) {
    throw new ConfigurationError('algorithms', `a public key verifies an asymmetric algorithm (${[...asymmetric].join(', ')}); got ${JSON.stringify(alg)}${alg.startsWith('HS') ? ' — HMAC tokens take "secret"' : ''}`)
  }
  return Object.freeze({ form, key, alg })
}

function pemForm(pem: string): { form: 'spki' | 'x509'; key: string; ownAlg: undefined } {
  const blocks = [...pem.matchAll(PEM_BLOCK)]
  const label = blocks[0]?.[1]
  if (label === undefined) {
    throw new ConfigurationError('publicKey', '"publicKey" must be a PEM string (-----BEGIN PUBLIC KEY----- or -----BEGIN CERTIFICATE-----) or a public JWK object; got a string that is no PEM block')
  }
  if (label.includes('PRIVATE KEY')) {
    throw new ConfigurationError('publicKey', `"publicKey" is a private key (${label}): give its public key (openssl pkey -in key.pem -pubout), and keep the private key off the API server`)
  }
  if (label === 'RSA PUBLIC KEY') {
    throw new ConfigurationError('publicKey', '"publicKey" is a PKCS#1 RSA key (BEGIN RSA PUBLIC KEY): convert it to SPKI with openssl rsa -RSAPublicKey_in -in key.pem -pubout')
  }
  if (label !== 'PUBLIC KEY' && label !== 'CERTIFICATE') {
    throw new ConfigurationError('publicKey', `"publicKey" must be a PEM public key or certificate; got a PEM block labelled ${JSON.stringify(label)}`)
  }
  if (blocks.length > 1) throw new ConfigurationError('publicKey', `"publicKey" holds ${blocks.length} PEM blocks: give the one key (or certificate) that signs the tokens, not a chain`)
  return { form: label === 'CERTIFICATE' ? 'x509' : 'spki', key: blocks[0]![0], ownAlg: undefined }
}

function jwkForm(value: unknown): { form: 'jwk'; key: JWK; ownAlg: string | undefined } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError('publicKey', `"publicKey" must be a PEM string or a public JWK object; got ${describe(value)}`)
  }
  const jwk = value as Record<string, unknown>
  if (Array.isArray(jwk.keys)) throw new ConfigurationError('publicKey', '"publicKey" is a JWK Set: give it as "jwks" (several keys), or give its one key here')
  if (jwk.kty === 'oct') throw new ConfigurationError('publicKey', '"publicKey" is a symmetric key (kty "oct"): HMAC tokens take "secret"')
  if (jwk.kty !== 'RSA' && jwk.kty !== 'EC' && jwk.kty !== 'OKP') throw new ConfigurationError('publicKey', `"publicKey" must be an RSA, EC or OKP JWK; got kty ${describe(jwk.kty)}`)
  const secret = SECRET_MEMBERS.filter((member) => jwk[member] !== undefined)
  if (secret.length > 0) throw new ConfigurationError('publicKey', `"publicKey" is a private key (it has ${secret.map((member) => `"${member}"`).join(', ')}): give its public members only`)
  if (jwk.use !== undefined && jwk.use !== 'sig') throw new ConfigurationError('publicKey', `"publicKey" is not a signature key ("use" is ${describe(jwk.use)})`)
  if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify')) throw new ConfigurationError('publicKey', '"publicKey" does not allow "verify" in its "key_ops"')
  if (jwk.alg !== undefined && typeof jwk.alg !== 'string') throw new ConfigurationError('publicKey', `the JWK's "alg" must be a string; got ${describe(jwk.alg)}`)
  if (jwk.kid !== undefined && typeof jwk.kid !== 'string') throw new ConfigurationError('publicKey', `the JWK's "kid" must be a string; got ${describe(jwk.kid)}`)
  const problem = keyProblem(jwk)
  if (problem !== undefined) throw new ConfigurationError('publicKey', `"publicKey" cannot verify tokens safely: ${problem}`)
  return { form: 'jwk', key: { ...(jwk as JWK) }, ownAlg: jwk.alg as string | undefined }
}

/**
 * The key source over one fixed key. A token naming another `kid` than the JWK's own is `key_not_found`
 * (a PEM has no `kid`: any is accepted, the signature decides); the algorithm is pinned by the verifier's
 * allowlist, which holds this key's one algorithm only.
 */
export class PublicKeySource implements KeySource {
  readonly #imported: Promise<CryptoKey>
  readonly #kid: string | undefined

  constructor(settled: SettledPublicKey) {
    this.#kid = settled.form === 'jwk' ? (settled.key as JWK).kid : undefined
    this.#imported = importOnce(settled)
    this.#imported.catch(() => undefined) // observed by ready() and usable(); never an unhandled rejection
  }

  readonly getKey: JWTVerifyGetKey = async (header) => {
    const key = await this.#imported
    if (this.#kid !== undefined && header.kid !== undefined && header.kid !== this.#kid) throw new joseErrors.JWKSNoMatchingKey()
    return key
  }

  async ready(): Promise<void> {
    await this.#imported
  }

  async usable(): Promise<JWTVerifyGetKey> {
    try {
      await this.#imported
      return this.getKey
    } catch (error) {
      throw new KeysUnavailableError({ reason: 'keys_misconfigured', detail: `no usable keys: ${(error as Error).message}`, cause: error }, 60)
    }
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

async function importOnce(settled: SettledPublicKey): Promise<CryptoKey> {
  try {
    if (settled.form !== 'jwk') {
      // A PEM's material is known once imported: the same key hygiene as a JWK's (e = 1 would let anyone forge).
      const key = settled.form === 'spki' ? await importSPKI(settled.key as string, settled.alg, { extractable: true }) : await importX509(settled.key as string, settled.alg, { extractable: true })
      const problem = keyProblem(await exportJWK(key))
      if (problem !== undefined) throw new TypeError(`it cannot verify tokens safely: ${problem}`)
      return key
    }
    const key = await importJWK(settled.key as JWK, settled.alg)
    if (key instanceof Uint8Array) throw new TypeError('not an asymmetric key')
    return key
  } catch (error) {
    const what = settled.form === 'jwk' ? 'JWK' : settled.form === 'x509' ? 'certificate' : 'PEM public key'
    throw new ConfigurationError('publicKey', `the ${what} in "publicKey" cannot be used for ${settled.alg}: ${(error as Error).message} — check the key, and that "algorithms" names its algorithm`, { cause: error })
  }
}
