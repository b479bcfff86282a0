/**
 * Attacks on what a correctly signed token says: time claims around the 5 s tolerance, claims of the wrong
 * JSON type, audience and issuer shapes (CVE-2025-30144), another kind of JWT passed off as an access token,
 * and duplicate JSON member names. Every token here carries a valid signature of the real issuer, so only
 * the claim checks stand between it and the API.
 */
import { TEST_AUDIENCE } from '../support/key-server.js'
import { MAX_TOKEN_AGE, now, type AttackCase, type CorpusFixtures } from './corpus-fixtures.js'

const OTHER_AUDIENCE = 'https://other-api.tokenguard.test'
const RSA_HEADER = (f: CorpusFixtures, extra: Record<string, unknown> = {}) => ({ alg: 'RS256', kid: f.keys.rsa.kid, ...extra })

/** Claims with `overrides`, signed by the issuer (header `typ: at+jwt` unless given). */
const signed = (overrides: Record<string, unknown>, header?: Record<string, unknown>) => (f: CorpusFixtures) =>
  f.issuerSigned(f.claims(overrides), header === undefined ? undefined : RSA_HEADER(f, header))

/** Claim text written by hand (for values JSON.stringify cannot write, e.g. 1e999), signed by the issuer. */
const signedRaw = (claimText: (f: CorpusFixtures) => string) => (f: CorpusFixtures) => f.issuerSigned(claimText(f))

function timeCases(): AttackCase[] {
  return [
    { name: 'exp = now - 6 (beyond the 5 s tolerance)', token: (f) => signed({ exp: now() - 6 })(f), expect: 'token_expired' },
    { name: 'exp = now - 5 (exactly the tolerance: expired)', token: (f) => signed({ exp: now() - 5 })(f), expect: 'token_expired' },
    { name: 'exp = now - 4 (inside the tolerance)', token: (f) => signed({ exp: now() - 4 })(f), expect: 'accepted', clockSensitive: true },
    { name: 'nbf = now + 6 (beyond the tolerance)', token: (f) => signed({ nbf: now() + 6 })(f), expect: 'token_not_yet_valid', clockSensitive: true },
    { name: 'nbf = now + 4 (inside the tolerance)', token: (f) => signed({ nbf: now() + 4 })(f), expect: 'accepted' },
    { name: 'no exp', token: signed({ exp: undefined }), expect: 'claim_missing' },
    { name: 'iat an hour ahead, no maxTokenAge (iat is informational then)', token: (f) => signed({ iat: now() + 3600 })(f), expect: 'accepted' },
    { name: `maxTokenAge: iat = now - ${MAX_TOKEN_AGE + 6}`, profile: 'maxAge', token: (f) => signed({ iat: now() - MAX_TOKEN_AGE - 6 })(f), expect: 'token_too_old' },
    { name: `maxTokenAge: iat = now - ${MAX_TOKEN_AGE + 4}`, profile: 'maxAge', token: (f) => signed({ iat: now() - MAX_TOKEN_AGE - 4 })(f), expect: 'accepted' },
    { name: 'maxTokenAge: iat = now + 6 (in the future)', profile: 'maxAge', token: (f) => signed({ iat: now() + 6 })(f), expect: 'claim_invalid', clockSensitive: true },
    { name: 'maxTokenAge: iat = now + 4', profile: 'maxAge', token: (f) => signed({ iat: now() + 4 })(f), expect: 'accepted' },
    { name: 'maxTokenAge: no iat', profile: 'maxAge', token: signed({ iat: undefined }), expect: 'claim_missing' },
    { name: 'maxTokenAge: fresh iat but exp = now - 6', profile: 'maxAge', token: (f) => signed({ exp: now() - 6 })(f), expect: 'token_expired' },
  ]
}

function claimTypeCases(): AttackCase[] {
  const rawExp = (literal: string) => signedRaw((f) => JSON.stringify(f.claims()).replace(/"exp":\d+/, `"exp":${literal}`))
  return [
    { name: 'exp as a string', token: (f) => signed({ exp: String(now() + 300) })(f), expect: 'claim_invalid' },
    { name: 'exp negative', token: signed({ exp: -1 }), expect: 'token_expired' },
    { name: 'exp = 1e308 (finite: the issuer chose a far future)', token: signed({ exp: 1e308 }), expect: 'accepted' },
    { name: 'exp = 1e999 (parses to Infinity: never expires)', token: rawExp('1e999'), expect: 'claim_invalid' },
    { name: 'exp = -1e999 (parses to -Infinity)', token: rawExp('-1e999'), expect: 'token_expired' },
    { name: 'exp "NaN"', token: signed({ exp: 'NaN' }), expect: 'claim_invalid' },
    { name: 'exp null', token: signed({ exp: null }), expect: 'claim_invalid' },
    { name: 'exp true', token: signed({ exp: true }), expect: 'claim_invalid' },
    { name: 'exp as an array', token: (f) => signed({ exp: [now() + 300] })(f), expect: 'claim_invalid' },
    { name: 'exp as an object', token: (f) => signed({ exp: { valueOf: now() + 300 } })(f), expect: 'claim_invalid' },
    { name: 'nbf as a string', token: signed({ nbf: 'yesterday' }), expect: 'claim_invalid' },
    { name: 'iat as a string', token: signed({ iat: 'now' }), expect: 'claim_invalid' },
  ]
}

function audienceIssuerCases(): AttackCase[] {
  return [
    { name: 'aud empty array', token: signed({ aud: [] }), expect: 'audience_mismatch' },
    { name: 'aud another API only', token: signed({ aud: [OTHER_AUDIENCE] }), expect: 'audience_mismatch' },
    { name: 'aud ours among others', token: signed({ aud: [OTHER_AUDIENCE, TEST_AUDIENCE, 'urn:x'] }), expect: 'accepted' },
    { name: 'aud missing', token: signed({ aud: undefined }), expect: 'claim_missing' },
    { name: 'aud ours with a trailing slash', token: signed({ aud: `${TEST_AUDIENCE}/` }), expect: 'audience_mismatch' },
    { name: 'aud ours in upper case', token: signed({ aud: TEST_AUDIENCE.toUpperCase() }), expect: 'audience_mismatch' },
    { name: 'aud nested array', token: signed({ aud: [[TEST_AUDIENCE]] }), expect: 'audience_mismatch' },
    { name: 'aud as an object', token: signed({ aud: { [TEST_AUDIENCE]: true } }), expect: 'audience_mismatch' },
    { name: 'iss as an array holding ours (CVE-2025-30144 shape)', token: (f) => signed({ iss: [f.issuer.issuer] })(f), expect: 'issuer_mismatch' },
    { name: 'iss as an array holding ours and another', token: (f) => signed({ iss: [f.issuer.issuer, 'https://evil.tokenguard.test'] })(f), expect: 'issuer_mismatch' },
    { name: 'iss with a trailing slash', token: (f) => signed({ iss: `${f.issuer.issuer}/` })(f), expect: 'issuer_mismatch' },
    { name: 'iss null', token: signed({ iss: null }), expect: 'issuer_mismatch' },
    { name: 'iss missing', token: signed({ iss: undefined }), expect: 'claim_missing' },
  ]
}

function typeCases(): AttackCase[] {
  const typed = (typ: unknown, claims: Record<string, unknown> = {}) => signed(claims, { typ })
  const idTokenClaims = { nonce: 'n-0S6_WzA2Mj', auth_time: 1700000000, azp: 'client-1' }
  return [
    { name: 'typ dpop+jwt (a DPoP proof)', token: typed('dpop+jwt'), expect: 'token_type_not_allowed' },
    { name: 'typ application/dpop+jwt', token: typed('application/dpop+jwt'), expect: 'token_type_not_allowed' },
    { name: 'typ logout+jwt (a logout token)', token: typed('logout+jwt'), expect: 'token_type_not_allowed' },
    { name: 'typ secevent+jwt (a security event token)', token: typed('secevent+jwt'), expect: 'token_type_not_allowed' },
    { name: 'typ "at+jwt " (trailing space)', token: typed('at+jwt '), expect: 'token_type_not_allowed' },
    { name: 'typ as a number', token: typed(1), expect: 'token_type_not_allowed' },
    { name: 'typ AT+JWT (media types are case-insensitive)', token: typed('AT+JWT'), expect: 'accepted' },
    { name: 'lenient: ID-token-shaped JWT (typ JWT, nonce) is allowed', token: typed('JWT', idTokenClaims), expect: 'accepted' },
    { name: 'lenient: untyped token is allowed', token: (f) => f.issuerSigned(f.claims(), RSA_HEADER(f)), expect: 'accepted' },
    { name: 'rfc9068: untyped token', profile: 'rfc9068', token: (f) => f.issuerSigned(f.claims(), RSA_HEADER(f)), expect: 'token_type_not_allowed' },
    { name: 'rfc9068: typ JWT', profile: 'rfc9068', token: typed('JWT'), expect: 'token_type_not_allowed' },
    { name: 'rfc9068: ID-token-shaped JWT (typ JWT, nonce)', profile: 'rfc9068', token: typed('JWT', idTokenClaims), expect: 'token_type_not_allowed' },
    { name: 'rfc9068: typ dpop+jwt', profile: 'rfc9068', token: typed('dpop+jwt'), expect: 'token_type_not_allowed' },
    { name: 'rfc9068: control, typ at+jwt with every claim', profile: 'rfc9068', token: typed('at+jwt'), expect: 'accepted' },
    { name: 'rfc9068: typ at+jwt without client_id', profile: 'rfc9068', token: typed('at+jwt', { client_id: undefined }), expect: 'claim_missing' },
  ]
}

/**
 * Duplicate member names. RFC 7519 §4 lets a parser use the lexically last one (ECMAScript JSON.parse
 * does); what matters is that the last one is then checked like any value, so a duplicate can never make
 * a wrong token pass: each refusal below has the wrong value last, whatever came first.
 */
function duplicateCases(): AttackCase[] {
  const withDuplicate = (name: string, first: unknown, last: unknown) => (f: CorpusFixtures) => {
    const { [name]: _dropped, ...rest } = f.claims()
    return f.issuerSigned(`{"${name}":${JSON.stringify(first)},"${name}":${JSON.stringify(last)},${JSON.stringify(rest).slice(1)}`)
  }
  const headerWithDuplicate = (name: string, first: unknown, last: unknown, signature?: string) => (f: CorpusFixtures) => {
    const header = `{"alg":"RS256","kid":"${f.keys.rsa.kid}","${name}":${JSON.stringify(first)},"${name}":${JSON.stringify(last)}}`
    const token = f.issuerSigned(f.claims(), header)
    return signature === undefined ? token : `${token.slice(0, token.lastIndexOf('.'))}.${signature}`
  }
  return [
    { name: 'duplicate aud: ours, then another (last wins)', token: withDuplicate('aud', TEST_AUDIENCE, OTHER_AUDIENCE), expect: 'audience_mismatch' },
    { name: 'duplicate aud: another, then ours (last wins, RFC 7519 §4)', token: withDuplicate('aud', OTHER_AUDIENCE, TEST_AUDIENCE), expect: 'accepted' },
    { name: 'duplicate iss: ours, then the trap', token: (f) => withDuplicate('iss', f.issuer.issuer, f.trap.url)(f), expect: 'issuer_mismatch' },
    { name: 'duplicate exp: future, then past', token: (f) => withDuplicate('exp', now() + 300, now() - 60)(f), expect: 'token_expired' },
    { name: 'duplicate header alg: RS256, then none', token: (f) => headerWithDuplicate('alg', 'RS256', 'none', '')(f), expect: 'algorithm_not_allowed' },
    { name: 'duplicate header typ: at+jwt, then dpop+jwt', token: headerWithDuplicate('typ', 'at+jwt', 'dpop+jwt'), expect: 'token_type_not_allowed' },
    { name: 'duplicate header kid: issuer, then attacker', token: (f) => headerWithDuplicate('kid', f.keys.rsa.kid, 'attacker-rsa')(f), expect: 'key_not_found' },
  ]
}

export const CLAIM_CASES: readonly AttackCase[] = [...timeCases(), ...claimTypeCases(), ...audienceIssuerCases(), ...typeCases(), ...duplicateCases()]
