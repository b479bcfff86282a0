/**
 * The two fuzzed properties, shared by the quick runs inside `npm test` (fixed seed) and the long campaign
 * of `npm run fuzz` (random seed). Each check returns a verdict instead of throwing, so that the campaign
 * can count every violation while the tests fail on the first.
 *
 * 1. `extractToken` returns a b64token found in the request, or `undefined`, or throws an
 *    `InvalidRequestError`; nothing else. With body and query tokens off, only the header matters.
 * 2. `verify` resolves only for the unmodified token; every mutation is refused with a
 *    `TokenGuardError` (401 `invalid_token`), never another exception.
 */
import { createVerifier, extractToken, InvalidRequestError, TokenGuardError, type ExtractOptions, type RequestView, type Verifier } from '@tokenguard/core'
import { SignJWT } from 'jose'
import { generateSigningKey, TEST_AUDIENCE } from '../support/key-server.js'
import type { Mutation } from './mutations.js'

/** A check's result; `outcome` names what happened when it was fine (for coverage counts). */
export type Verdict = { ok: true; outcome?: string } | { ok: false; kind: string; message: string }

const violation = (kind: string, message: string): Verdict => ({ ok: false, kind, message })

// RFC 6750 §2.1 b64token.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/
const PRINTABLE = /^[\x20-\x7e]*$/

export function checkExtract(request: RequestView, options: ExtractOptions): Verdict {
  const outcome = extractOutcome(request, options)
  if (outcome.kind === 'foreign') return violation('extract-foreign-error', String(outcome.error))
  if (outcome.kind === 'refused') {
    const error = outcome.error
    if (error.status !== 400 || error.code !== 'invalid_request') return violation('extract-wrong-status', `${error.status} ${error.code}`)
    if (!PRINTABLE.test(error.detail ?? '') || !PRINTABLE.test(error.wwwAuthenticate ?? '')) return violation('extract-unsafe-text', JSON.stringify(error.wwwAuthenticate))
  }
  if (outcome.kind === 'token') {
    if (typeof outcome.token !== 'string' || !B64TOKEN.test(outcome.token)) return violation('extract-not-b64token', JSON.stringify(outcome.token))
    if (!candidates(request).some((text) => text.endsWith(outcome.token))) return violation('extract-invented-token', JSON.stringify(outcome.token))
  }
  if (!options.allowBodyToken && !options.allowQueryToken) {
    const headerOnly = extractOutcome({ headers: request.headers }, options)
    if (describe(headerOnly) !== describe(outcome)) return violation('extract-looked-beyond-header', `${describe(outcome)} vs header only ${describe(headerOnly)}`)
  }
  return { ok: true, outcome: outcome.kind }
}

type ExtractOutcome = { kind: 'token'; token: string } | { kind: 'none' } | { kind: 'refused'; error: InvalidRequestError } | { kind: 'foreign'; error: unknown }

function extractOutcome(request: RequestView, options: ExtractOptions): ExtractOutcome {
  try {
    const token = extractToken(request, options)
    return token === undefined ? { kind: 'none' } : { kind: 'token', token }
  } catch (error) {
    return error instanceof InvalidRequestError ? { kind: 'refused', error } : { kind: 'foreign', error }
  }
}

function describe(outcome: ExtractOutcome): string {
  return outcome.kind === 'token' ? `token ${outcome.token}` : outcome.kind === 'refused' ? `refused ${outcome.error.reason}` : outcome.kind
}

/** Every text a token may legitimately come from: header values, query and body parameters, the URL. */
function candidates(request: RequestView): string[] {
  const texts: string[] = []
  const headers = request.headers
  const authorization = typeof headers.get === 'function' ? (headers as { get(name: string): string | null }).get('authorization') : (headers as Record<string, unknown>).authorization
  texts.push(...[authorization].flat().filter((value): value is string => typeof value === 'string'))
  for (const source of [request.query, request.body]) {
    const value = typeof source === 'object' && source !== null ? (source as Record<string, unknown>).access_token : undefined
    if (typeof value === 'string') texts.push(value)
  }
  if (request.url?.includes('?')) texts.push(...new URLSearchParams(request.url.slice(request.url.indexOf('?') + 1)).getAll('access_token'))
  return texts
}

/** A verifier and the one token it accepts. */
export interface VerifyTarget {
  name: string
  token: string
  verifier: Verifier
}

/** RS256 and ES256 (fixed JWK Set), a two-issuer and an HS256 (shared secret) verifier, each with a valid token. */
export async function createVerifyTargets(): Promise<VerifyTarget[]> {
  const issuer = 'https://fuzz-issuer.tokenguard.test'
  const now = Math.floor(Date.now() / 1000)
  const claims = { sub: 'client-1', client_id: 'client-1', scope: 'read:data', jti: 'fuzz-1' }
  const sign = (alg: string, kid: string | undefined, key: Parameters<SignJWT['sign']>[0]) =>
    new SignJWT(claims).setProtectedHeader({ alg, typ: 'at+jwt', ...(kid === undefined ? {} : { kid }) })
      .setIssuer(issuer).setAudience(TEST_AUDIENCE).setIssuedAt(now).setExpirationTime(now + 3600).sign(key)
  const targets: VerifyTarget[] = []
  const keys = { RS256: await generateSigningKey('RS256', 'fuzz-RS256'), ES256: await generateSigningKey('ES256', 'fuzz-ES256') }
  for (const [alg, key] of Object.entries(keys)) {
    const verifier = createVerifier({ issuer, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] } })
    targets.push({ name: alg, token: await sign(alg, key.kid, key.privateKey), verifier })
  }
  // Two issuers, one key each: a mutated `iss` must never borrow the other issuer's key.
  const multi = createVerifier({
    audience: TEST_AUDIENCE,
    issuers: [{ issuer, jwks: { keys: [keys.RS256.publicJwk] } }, { issuer: `${issuer}/other`, jwks: { keys: [keys.ES256.publicJwk] } }],
  })
  targets.push({ name: 'two issuers, RS256', token: targets[0]!.token, verifier: multi })
  const secret = new TextEncoder().encode('fuzz-shared-secret-of-at-least-32-bytes')
  const hmacVerifier = createVerifier({ issuer, audience: TEST_AUDIENCE, secret, algorithms: ['HS256'] })
  targets.push({ name: 'HS256', token: await sign('HS256', undefined, secret), verifier: hmacVerifier })
  return targets
}

export async function checkVerify(target: VerifyTarget, mutation: Mutation): Promise<Verdict> {
  const mutated = mutation.apply(target.token)
  const where = `${target.name}, ${mutation.label}`
  try {
    await target.verifier.verify(mutated)
  } catch (error) {
    if (!(error instanceof TokenGuardError)) return violation('verify-foreign-error', `${where}: ${String(error)}`)
    if (error.status !== 401 || error.code !== 'invalid_token') return violation('verify-wrong-status', `${where}: ${error.status} ${error.code}`)
    if (!PRINTABLE.test(error.detail ?? '')) return violation('verify-unsafe-detail', `${where}: ${JSON.stringify(error.detail)}`)
    return mutated === target.token ? violation('verify-refused-original', `${where}: ${error.reason}`) : { ok: true, outcome: error.reason }
  }
  if (mutated === target.token) return { ok: true, outcome: 'unmodified' }
  const kind = sameBytes(mutated, target.token) ? 'verify-accepted-respelled-token' : 'verify-accepted-modified-token'
  return violation(kind, `${where}: accepted …${JSON.stringify(mutated.slice(-40))}`)
}

/** Whether two tokens differ only in spelling (whitespace, padding, stray bits), not in decoded bytes. */
function sameBytes(a: string, b: string): boolean {
  const bytes = (token: string) => token.split('.').map((part) => Buffer.from(part.replace(/[\s=]/g, ''), 'base64url').toString('hex')).join('.')
  return bytes(a) === bytes(b)
}
