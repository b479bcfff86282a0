/**
 * The checks jose makes inside `jwtVerify`, derived from the token's decoded values and the verifier's
 * settled options, to show each one with the values it compares. These lines never decide anything: the
 * verdict is `verify()`'s, and a derived line that disagrees with it is reported as a disagreement. The
 * rules mirror jose 6's `validateClaimsSet` (presence, then `iss`, `aud`, `nbf`, `exp`, `maxTokenAge`).
 */
import type { SettledOptions } from '@tokenguard/core'
import { show, type DecodedToken, type JsonObject } from './decode.js'
import { formatTime } from './time.js'

/** A check as derived from the token's values: whether it holds, and what was compared. */
export interface Derived {
  ok: boolean
  compared: string
}

/** What the derivations read. */
export interface DeriveInput {
  decoded: DecodedToken
  settings: SettledOptions
  /** The verifier's clock, epoch seconds (jose floors it the same way). */
  now: number
}

type Derivation = (input: DeriveInput, claims: JsonObject) => Derived

/** The JWS header: a JSON object with an `alg`, and a base64url payload (`b64: false` is refused for JWTs). */
export function deriveHeader({ decoded }: DeriveInput): Derived {
  const header = decoded.header
  if (header === undefined) return { ok: false, compared: 'the header is not a base64url JSON object' }
  if (typeof header.alg !== 'string' || header.alg === '') return { ok: false, compared: `"alg" is ${show(header.alg)}` }
  if (header.b64 === false) return { ok: false, compared: '"b64": false (an unencoded payload, which JWTs must not use)' }
  return { ok: true, compared: `a JSON object with "alg" ${show(header.alg)}${header.crit === undefined ? '' : `, "crit" ${show(header.crit)}`}` }
}

/** The algorithm allowlist (RFC 8725 §3.1): the verifier, not the token, picks. */
export function deriveAlgorithm({ decoded, settings }: DeriveInput): Derived {
  const alg = decoded.header?.alg
  return { ok: typeof alg === 'string' && settings.algorithms.includes(alg), compared: `${show(alg)} against the allowlist ${settings.algorithms.join(', ')}` }
}

/** The claims set: a JSON object (jose decodes it after the signature). */
export function deriveClaimsSet({ decoded }: DeriveInput): Derived {
  return decoded.claims === undefined ? { ok: false, compared: 'the payload is not a JSON object' } : { ok: true, compared: `a JSON object with ${Object.keys(decoded.claims).length} claims` }
}

/** Claims whose presence jose checks, in its order of reporting. */
function presenceList(settings: SettledOptions): string[] {
  const list = [...settings.requiredClaims, ...(settings.maxTokenAge === undefined ? [] : ['iat']), ...(settings.audienceClaim === 'aud' ? ['aud'] : []), 'iss']
  return [...new Set(list.reverse())]
}

const requiredClaims: Derivation = ({ settings }, claims) => {
  const needed = presenceList(settings)
  const missing = needed.filter((name) => !Object.hasOwn(claims, name))
  return { ok: missing.length === 0, compared: missing.length === 0 ? `present: ${needed.join(', ')}` : `missing: ${missing.join(', ')} (required: ${needed.join(', ')})` }
}

const issuer: Derivation = ({ settings }, claims) => ({ ok: claims.iss === settings.issuer, compared: `token ${show(claims.iss)}, configured ${show(settings.issuer)}` })

const audience: Derivation = ({ settings }, claims) => {
  const aud = claims.aud
  const ok = typeof aud === 'string' ? settings.audience.includes(aud) : Array.isArray(aud) && settings.audience.some((expected) => aud.includes(expected))
  return { ok, compared: `token ${show(aud)}, expected one of ${show(settings.audience)}` }
}

const notBefore: Derivation = ({ settings, now }, claims) => {
  const nbf = claims.nbf
  if (nbf === undefined) return { ok: true, compared: 'no "nbf" claim' }
  if (typeof nbf !== 'number') return { ok: false, compared: `"nbf" is ${show(nbf)}, not a number` }
  return { ok: !(nbf > now + settings.clockTolerance), compared: `nbf ${formatTime(nbf, now)} must not be after now ${formatTime(now)} + ${settings.clockTolerance}s tolerance` }
}

const expiry: Derivation = ({ settings, now }, claims) => {
  const exp = claims.exp
  if (exp === undefined) return { ok: true, compared: 'no "exp" claim (the required claims line decides)' }
  if (typeof exp !== 'number') return { ok: false, compared: `"exp" is ${show(exp)}, not a number` }
  return { ok: !(exp <= now - settings.clockTolerance), compared: `exp ${formatTime(exp, now)} must be after now ${formatTime(now)} − ${settings.clockTolerance}s tolerance` }
}

const issuedAt: Derivation = ({ settings, now }, claims) => {
  const iat = claims.iat
  const max = settings.maxTokenAge
  if (iat === undefined) return { ok: max === undefined, compared: max === undefined ? 'no "iat" claim; no maxTokenAge' : `no "iat" claim; maxTokenAge ${max}s needs one` }
  if (typeof iat !== 'number') return { ok: false, compared: `"iat" is ${show(iat)}, not a number` }
  if (max === undefined) return { ok: true, compared: `iat ${formatTime(iat, now)}; no maxTokenAge` }
  const age = now - iat
  const tolerance = settings.clockTolerance
  return { ok: !(age - tolerance > max) && !(age < -tolerance), compared: `iat ${formatTime(iat, now)}: age ${age}s, at most ${max}s (maxTokenAge) and not in the future, ${tolerance}s tolerance` }
}

/** The claim checks of jose's `jwtVerify`, by line: `undefined` when the claims could not be decoded. */
export const CLAIM_DERIVATIONS = { required_claims: requiredClaims, iss: issuer, aud: audience, nbf: notBefore, exp: expiry, iat: issuedAt } as const

/** Runs a claim derivation when the claims decode. */
export function deriveClaim(name: keyof typeof CLAIM_DERIVATIONS, input: DeriveInput): Derived | undefined {
  const claims = input.decoded.claims
  return claims === undefined ? undefined : CLAIM_DERIVATIONS[name](input, claims)
}
