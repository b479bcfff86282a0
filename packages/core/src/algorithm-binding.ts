/**
 * One key, one algorithm (RFC 8725 §3.1): the JWS algorithm each published key may verify. A key that
 * names its `alg` is used with that algorithm only; a key without one is bound to a single algorithm of
 * its family — the one the verifier allows, when it allows exactly one for that key, else the family's
 * default — and never to the whole family (Entra ID publishes RSA keys without `alg`: without a binding,
 * one key would verify RS256, RS384, RS512 and PS256–PS512 alike).
 */

/** Signature algorithms by key family: RSA, each NIST curve, Ed25519. */
const FAMILIES: Readonly<Record<string, readonly string[]>> = {
  RSA: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  'EC P-256': ['ES256'],
  'EC P-384': ['ES384'],
  'EC P-521': ['ES512'],
  // RFC 8037 `EdDSA` and RFC 9864's fully specified `Ed25519` name the same signature scheme.
  'OKP Ed25519': ['EdDSA', 'Ed25519'],
}

/** The algorithm a key without `alg` gets when the verifier's list does not single one out. */
const FAMILY_DEFAULTS: Readonly<Record<string, string>> = {
  RSA: 'RS256',
  'EC P-256': 'ES256',
  'EC P-384': 'ES384',
  'EC P-521': 'ES512',
  'OKP Ed25519': 'EdDSA',
}

/** The family name of a key (`RSA`, `EC P-256`, `OKP Ed25519` …), or `undefined` when tokenguard has none for it. */
export function keyFamily(jwk: { kty?: unknown; crv?: unknown }): string | undefined {
  const name = jwk.kty === 'RSA' ? 'RSA' : jwk.kty === 'EC' || jwk.kty === 'OKP' ? `${String(jwk.kty)} ${String(jwk.crv)}` : undefined
  return name !== undefined && Object.hasOwn(FAMILIES, name) ? name : undefined
}

/** Whether `alg` is a signature algorithm for keys of `family`. */
export function fitsFamily(alg: string, family: string): boolean {
  return FAMILIES[family]?.includes(alg) === true
}

/**
 * The one algorithm `jwk` verifies: its own `alg` (already checked to fit its family), else the only one
 * of `allowed` for its family, else the family default.
 */
export function boundAlgorithm(jwk: { alg?: unknown; kty?: unknown; crv?: unknown }, allowed: readonly string[]): string {
  if (typeof jwk.alg === 'string') return jwk.alg
  const family = keyFamily(jwk)!
  const candidates = allowed.filter((alg) => fitsFamily(alg, family))
  return candidates.length === 1 ? candidates[0]! : FAMILY_DEFAULTS[family]!
}
