/**
 * The bench's signing key and its token minting with `node:crypto` (a one-shot RS256 sign, far cheaper than
 * jose's WebCrypto path). The key is kept in `.bench-results/bench-key-rs256.json` and the issuer is a fixed
 * name, not the key server's address (its port changes every run): so a pool of tokens minted once stays
 * valid for later runs (see `token-pool.ts`). Every variant is given the JWK Set URL, so none needs discovery.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type JsonWebKey, type KeyObject } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { importJWK, type CryptoKey, type JWK } from 'jose'
import { TEST_AUDIENCE, type SigningKey } from '../../test/support/key-server.js'
import { RESULTS_DIR } from '../support/results.js'

/** The `iss` of every bench token and the `issuer` every variant is configured with. */
export const BENCH_ISSUER = 'http://issuer.bench.test'
export const BENCH_KID = 'bench-rs256'

export interface BenchKey {
  /** For the key server (it publishes `publicJwk`). */
  signingKey: SigningKey
  privateJwk: JsonWebKey
  /** Hex SHA-256 of the public key's `n` and `e`, 16 digits: what a token pool on disk is keyed by. */
  fingerprint: string
}

const KEY_FILE = join(RESULTS_DIR, 'bench-key-rs256.json')

/** The stored bench key, or a new RSA-2048 key stored for the next run. */
export async function benchKey(): Promise<BenchKey> {
  const privateJwk = await readFile(KEY_FILE, 'utf8').then((text) => JSON.parse(text) as JsonWebKey, () => undefined) ?? await storedNewKey()
  const publicJwk = createPublicKey({ key: privateJwk, format: 'jwk' }).export({ format: 'jwk' })
  const fingerprint = createHash('sha256').update(`${publicJwk.n}.${publicJwk.e}`).digest('hex').slice(0, 16)
  const privateKey = (await importJWK(privateJwk as JWK, 'RS256')) as CryptoKey
  return { signingKey: { kid: BENCH_KID, alg: 'RS256', privateKey, publicJwk: { ...publicJwk, kid: BENCH_KID, alg: 'RS256', use: 'sig' } as JWK }, privateJwk, fingerprint }
}

async function storedNewKey(): Promise<JsonWebKey> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = privateKey.export({ format: 'jwk' })
  await mkdir(RESULTS_DIR, { recursive: true })
  await writeFile(KEY_FILE, `${JSON.stringify(jwk)}\n`, { mode: 0o600 })
  return jwk
}

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** A signer for compact RS256 JWS with `kid`: `sign(claims)` is one `node:crypto` RSA signature. */
export function rs256Signer(privateJwk: JsonWebKey, kid = BENCH_KID): (claims: object) => string {
  const key: KeyObject = createPrivateKey({ key: privateJwk, format: 'jwk' })
  const header = encode({ alg: 'RS256', kid, typ: 'at+jwt' })
  return (claims) => {
    const input = `${header}.${encode(claims)}`
    return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`
  }
}

/** The claims of bench token `index`: distinct `sub`, `client_id` and `jti`, scope `read:data`. */
export function benchClaims(index: number, iat: number, exp: number): object {
  return { iss: BENCH_ISSUER, aud: TEST_AUDIENCE, sub: `client-${index}`, client_id: `client-${index}`, iat, exp, jti: `bench-${index}`, scope: 'read:data' }
}
