/**
 * Sender-constrained tokens: what a verified token's `cnf` claim asks the request to prove, and whether it
 * does. A DPoP-bound token (`cnf.jkt`) needs the `DPoP` scheme and a valid proof by that key (RFC 9449 §7);
 * a certificate-bound token (`cnf["x5t#S256"]`) needs that client certificate (RFC 8705 §3); any other
 * confirmation method is refused, since a binding nobody checks protects nothing. Runs after the token is
 * verified (or found in the verified-token cache): the token is checked once, its proof on every request.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-3
 */
import { base64url } from 'jose'
import type { AuthContext } from './auth-context.js'
import type { BindingSettings, ProofServices } from './binding-options.js'
import type { ChallengeSettings } from './challenge.js'
import { verifyProof, type ProofHeaders } from './dpop-proof.js'
import { InvalidTokenError, type RefusalReason } from './errors.js'
import { assertCertificateBinding } from './mtls.js'
import type { RequestView } from './request.js'
import type { RequestUrlSettings } from './request-url.js'

/** The `Authorization` scheme the token came with (body and query tokens are bearer tokens). */
export type Scheme = 'bearer' | 'dpop'

/** A verified token and the binding rules of the issuer that verified it. */
export interface VerifiedToken {
  readonly context: AuthContext<object>
  readonly binding: BindingSettings
  /** Seconds of leeway for the proof's `iat`. */
  readonly clockTolerance: number
  readonly challenge: ChallengeSettings
}

/** What the verifier brings to the binding check besides the request: built once, so a request costs no object. */
export interface BindingServices {
  readonly services: ProofServices
  readonly requestUrl: RequestUrlSettings
}

const METHODS = new Set(['jkt', 'x5t#S256'])
// ath is the same for every request with a token: hashed once per verified (cached) token.
const accessTokenHashes = new WeakMap<AuthContext<object>, Promise<string>>()

/**
 * Checks the token's binding against the request (`view`, `undefined` when a token is checked on its own:
 * `verifier.verify(token)`; `scheme`, the one it came with): `undefined` when there is nothing to prove (an
 * unbound token where that is allowed), else a promise of the response headers once proven.
 *
 * @throws {InvalidTokenError} synchronously, when the refusal needs no crypto (wrong scheme, method off, unbound).
 */
export function confirmBinding(token: VerifiedToken, view: RequestView | undefined, scheme: Scheme, settings: BindingServices): Promise<ProofHeaders> | undefined {
  const cnf = (token.context.claims as { cnf?: unknown }).cnf
  const { dpop, mtls } = token.binding
  if (cnf === undefined) {
    if (scheme === 'dpop') refuse(token, 'token_not_bound', 'the request uses the DPoP scheme, but the token is not DPoP-bound (no cnf.jkt)')
    if (dpop.mode === 'required') refuse(token, 'token_not_bound', 'this API accepts DPoP-bound tokens only ("dpop": "required")')
    if (mtls.mode === 'required') refuse(token, 'token_not_bound', 'this API accepts certificate-bound tokens only ("mtls": "required")')
    return undefined
  }
  const { jkt, x5t } = confirmationMethods(cnf, token)
  if (jkt === undefined && scheme === 'dpop') refuse(token, 'token_not_bound', 'the request uses the DPoP scheme, but the token is not DPoP-bound (no cnf.jkt)')
  if (jkt === undefined && dpop.mode === 'required') refuse(token, 'token_not_bound', 'this API accepts DPoP-bound tokens only ("dpop": "required")')
  if (x5t === undefined && mtls.mode === 'required') refuse(token, 'token_not_bound', 'this API accepts certificate-bound tokens only ("mtls": "required")')
  if (jkt !== undefined) {
    if (dpop.mode === 'off') refuse(token, 'token_binding_unverified', `the token is DPoP-bound (cnf.jkt) and ${dpop.offBecause ?? 'DPoP is off ("dpop": "off")'}`)
    if (view === undefined) refuse(token, 'token_binding_unverified', 'the token is DPoP-bound (cnf.jkt): its proof is checked with the request, by decide(), not by verify(token)')
    if (scheme !== 'dpop') refuse(token, 'token_binding_unverified', 'a DPoP-bound token was presented as a bearer token (RFC 9449 §7.2)')
  }
  if (x5t !== undefined) {
    if (mtls.mode === 'off') refuse(token, 'token_binding_unverified', 'the token is certificate-bound (cnf x5t#S256) and mTLS is off ("mtls": "off")')
    if (view === undefined) refuse(token, 'token_binding_unverified', 'the token is certificate-bound (cnf x5t#S256): its certificate is checked with the request, by decide(), not by verify(token)')
  }
  return proven(token, view!, settings, jkt, x5t)
}

async function proven(token: VerifiedToken, view: RequestView, settings: BindingServices, jkt: string | undefined, x5t: string | undefined): Promise<ProofHeaders> {
  if (x5t !== undefined) await assertCertificateBinding(view, x5t, settings.services.certificates, token.challenge)
  if (jkt === undefined) return undefined
  return verifyProof({
    view,
    accessTokenHash: await accessTokenHash(token.context),
    jkt,
    settings: token.binding.dpop,
    clockTolerance: token.clockTolerance,
    services: settings.services,
    requestUrl: settings.requestUrl,
    challenge: token.challenge,
  })
}

function confirmationMethods(cnf: unknown, token: VerifiedToken): { jkt: string | undefined; x5t: string | undefined } {
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) refuse(token, 'token_binding_unsupported', `the token's "cnf" is ${Array.isArray(cnf) ? 'an array' : typeof cnf}, not an object`)
  const names = Object.keys(cnf)
  const unknown = names.filter((name) => !METHODS.has(name))
  if (names.length === 0 || unknown.length > 0) {
    refuse(token, 'token_binding_unsupported', `the token is bound by a confirmation method tokenguard does not verify (cnf: ${names.join(', ') || 'empty'}); only jkt (DPoP) and x5t#S256 (mTLS) are`)
  }
  const { jkt, 'x5t#S256': x5t } = cnf as Record<string, unknown>
  if ((jkt !== undefined && (typeof jkt !== 'string' || jkt === '')) || (x5t !== undefined && (typeof x5t !== 'string' || x5t === ''))) {
    refuse(token, 'token_binding_unsupported', 'the token\'s cnf.jkt / cnf["x5t#S256"] must be non-empty strings')
  }
  return { jkt: jkt as string | undefined, x5t: x5t as string | undefined }
}

function accessTokenHash(context: AuthContext<object>): Promise<string> {
  let hash = accessTokenHashes.get(context)
  if (hash === undefined) {
    hash = crypto.subtle.digest('SHA-256', new TextEncoder().encode(context.token)).then((digest) => base64url.encode(new Uint8Array(digest)))
    accessTokenHashes.set(context, hash)
  }
  return hash
}

function refuse(token: VerifiedToken, reason: RefusalReason, detail: string): never {
  throw new InvalidTokenError({ ...token.challenge, reason, detail })
}
