/**
 * Every way tokenguard refuses a request, in one place.
 *
 * Each error carries what the adapters need to answer on the wire (`status`, `code`, the ready-made
 * `WWW-Authenticate` value in `headers`) and, separately, what the operator needs to understand why
 * (`reason`, `detail`, `cause`). Wire text is generic on purpose: the precise reason never leaves the
 * process except through logs and hooks.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
import { formatChallenges, sanitizeAttribute, type ChallengeSettings } from './challenge.js'
import type { ErrorCode, RefusalReason } from './refusal-reason.js'
import { formatFacts, type TokenFacts } from './token-facts.js'

export type { ErrorCode, RefusalReason } from './refusal-reason.js'
export type { TokenFacts } from './token-facts.js'

/** What every refusal is built from. */
export interface RefusalInit extends ChallengeSettings {
  /** Operator-facing reason code. */
  reason: RefusalReason
  /** Operator-facing detail (sanitised and bounded; may name a claim, or quote a header parameter name). */
  detail?: string | undefined
  /** The underlying error (jose, network), for logs. */
  cause?: unknown
  /** The token's own (unverified) values that the refusal compared, for logs. */
  facts?: TokenFacts | undefined
}

/**
 * Base class of every refusal. Adapters answer with `status` and `headers`; applications `switch` on
 * `code` (wire) or `reason` (operator).
 */
export class TokenGuardError extends Error {
  /** HTTP status to answer with. */
  readonly status: number
  /** Alias of {@link TokenGuardError.status}, for frameworks that read `statusCode` (Fastify). */
  readonly statusCode: number
  /** Error code (the challenge's `error` attribute, except `missing_token` and `temporarily_unavailable`). */
  readonly code: ErrorCode
  /** Precise reason, for logs and metrics only. */
  readonly reason: RefusalReason
  /** Precise detail, for logs only. Sanitised, bounded. */
  readonly detail: string | undefined
  /** The `WWW-Authenticate` value to send, or `undefined` where no challenge applies (503). */
  readonly wwwAuthenticate: string | undefined
  /** Headers to send with the response (`WWW-Authenticate`, `Retry-After`). Express and Fastify read this. */
  readonly headers: Readonly<Record<string, string>>
  /** The token's unverified `iss`, `aud`, `kid`, `client_id`, `exp`, `nbf` and the clock, for logs only. */
  readonly facts: TokenFacts | undefined
  /** The http-errors convention (Koa and others read it): `message` is safe to show, generic by construction. */
  readonly expose = true

  protected constructor(
    status: number,
    code: ErrorCode,
    description: string,
    init: RefusalInit,
    headers: Record<string, string>,
    wwwAuthenticate: string | undefined,
  ) {
    // A refusal is an expected outcome, not a bug: no stack is captured (cheap under a flood of bad
    // tokens, and nothing internal can leak through a framework's development error page).
    const stackTraceLimit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(description, init.cause === undefined ? undefined : { cause: init.cause })
    Error.stackTraceLimit = stackTraceLimit
    this.name = new.target.name
    this.stack = `${this.name}: ${description}`
    this.status = status
    this.statusCode = status
    this.code = code
    this.reason = init.reason
    this.detail = init.detail === undefined ? undefined : sanitizeAttribute(init.detail)
    this.wwwAuthenticate = wwwAuthenticate
    this.headers = Object.freeze(wwwAuthenticate === undefined ? headers : { 'WWW-Authenticate': wwwAuthenticate, ...headers })
    this.facts = init.facts
  }

  /** The response body adapters send when the application does not answer refusals itself. */
  get body(): { error: ErrorCode; error_description: string } {
    return { error: this.code, error_description: this.message }
  }

  /** One line for logs: status, code, reason, detail and the token's facts (never the token). */
  describe(): string {
    const detail = this.detail === undefined ? '' : `: ${this.detail}`
    const facts = this.facts === undefined ? '' : ` [${formatFacts(this.facts)}]`
    return `${this.status} ${this.code} (${this.reason})${detail}${facts}`
  }

  // console.log / util.inspect (Express 5's default error log) print this one line instead of every field.
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `${this.name}: ${this.describe()}`
  }
}

function challenge(init: RefusalInit, error: string | undefined, errorDescription: string | undefined, scope?: string, dpopOnly = false) {
  return formatChallenges(init, { realm: init.realm, error, errorDescription, scope, resourceMetadata: init.resourceMetadata }, dpopOnly)
}

/** 400 `invalid_request`: the request is malformed (RFC 6750 §3.1), e.g. two token methods at once. */
export class InvalidRequestError extends TokenGuardError {
  // The literal makes AnyTokenGuardError a union that `switch (error.code)` narrows.
  declare readonly code: 'invalid_request'
  constructor(init: RefusalInit, description = 'The request is malformed') {
    super(400, 'invalid_request', description, init, {}, challenge(init, 'invalid_request', description))
  }
}

/** 401 without an `error` attribute: the request carried no bearer credentials (RFC 6750 §3.1). */
export class MissingTokenError extends TokenGuardError {
  declare readonly code: 'missing_token'
  constructor(init: RefusalInit = { reason: 'missing_token' }) {
    super(401, 'missing_token', 'An access token is required', init, {}, challenge(init, undefined, undefined))
  }
}

/** 401 `invalid_token`: expired, revoked, malformed, or invalid for other reasons. */
export class InvalidTokenError extends TokenGuardError {
  declare readonly code: 'invalid_token'
  constructor(init: RefusalInit, description = 'The access token is invalid') {
    super(401, 'invalid_token', description, init, {}, challenge(init, 'invalid_token', description))
  }
}

/** 403 `insufficient_scope`, naming the scopes the request needs in the challenge's `scope`. */
export class InsufficientScopeError extends TokenGuardError {
  declare readonly code: 'insufficient_scope'
  /** The scopes the route names: all of its required scopes, then its any-of scopes. */
  readonly requiredScopes: readonly string[]

  constructor(init: RefusalInit, requiredScopes: readonly string[]) {
    const description = 'The access token lacks the required scope'
    const scope = requiredScopes.join(' ')
    super(403, 'insufficient_scope', description, init, {}, challenge(init, 'insufficient_scope', description, scope))
    this.requiredScopes = requiredScopes
  }
}

/**
 * 503 with `Retry-After`: no usable keys (cold start while the identity provider is down, or an unknown
 * `kid` whose refetch failed), or no introspection answer (reasons `introspection_unavailable` and
 * `introspection_misconfigured`). Not a 401: the client's token may well be valid, and telling it otherwise
 * would send it to fetch new tokens from a struggling authorization server.
 */
export class KeysUnavailableError extends TokenGuardError {
  declare readonly code: 'temporarily_unavailable'
  /** Seconds after which a retry makes sense. */
  readonly retryAfter: number

  constructor(init: RefusalInit, retryAfterSeconds: number) {
    const retryAfter = Number.isFinite(retryAfterSeconds) ? Math.max(1, Math.ceil(retryAfterSeconds)) : 1
    super(503, 'temporarily_unavailable', 'The service cannot verify access tokens right now', init, { 'Retry-After': String(retryAfter) }, undefined)
    this.retryAfter = retryAfter
  }
}

/** 401 `invalid_dpop_proof` (RFC 9449 §7.1): the DPoP proof is missing, malformed, or not for this request. */
export class InvalidDPoPProofError extends TokenGuardError {
  declare readonly code: 'invalid_dpop_proof'
  constructor(init: RefusalInit, description = 'The DPoP proof is invalid') {
    super(401, 'invalid_dpop_proof', description, init, {}, challenge(init, 'invalid_dpop_proof', description, undefined, true))
  }
}

/** 401 `use_dpop_nonce` (RFC 9449 §9) with `nonce`, the one the client's next proof must carry (also in `DPoP-Nonce`). */
export class UseDPoPNonceError extends TokenGuardError {
  declare readonly code: 'use_dpop_nonce'
  constructor(init: RefusalInit, readonly nonce: string) {
    const description = 'The DPoP proof must carry the server-provided nonce'
    super(401, 'use_dpop_nonce', description, init, { 'DPoP-Nonce': nonce }, challenge(init, 'use_dpop_nonce', description, undefined, true))
  }
}

/** 503 with `Retry-After`: the DPoP replay store cannot tell whether a proof is fresh, so it is not accepted. */
export class ReplayCheckUnavailableError extends TokenGuardError {
  declare readonly code: 'temporarily_unavailable'
  readonly retryAfter = 1 // seconds, as KeysUnavailableError's
  constructor(init: RefusalInit) {
    super(503, 'temporarily_unavailable', 'The service cannot verify access tokens right now', init, { 'Retry-After': '1' }, undefined)
  }
}

/**
 * 503 with `Retry-After`: an asynchronous claim check rejected instead of answering (the tenant directory
 * it asks is down, say). The token may be fine: a 401 would send the client to fetch a new one for nothing.
 */
export class ClaimCheckUnavailableError extends TokenGuardError {
  declare readonly code: 'temporarily_unavailable'
  /** Seconds after which a retry makes sense. */
  readonly retryAfter: number

  constructor(init: RefusalInit, retryAfterSeconds = 1) {
    const retryAfter = Number.isFinite(retryAfterSeconds) ? Math.max(1, Math.ceil(retryAfterSeconds)) : 1
    super(503, 'temporarily_unavailable', 'The service cannot check this access token right now', init, { 'Retry-After': String(retryAfter) }, undefined)
    this.retryAfter = retryAfter
  }
}

/**
 * 500: the application is wired so that tokenguard cannot decide, e.g. a scope guard on a route where no
 * authentication ran. Never lets the request through; the detail names the fix.
 */
export class AuthenticationMissingError extends TokenGuardError {
  declare readonly code: 'server_error'
  constructor(init: RefusalInit) {
    super(500, 'server_error', 'The server cannot check access tokens on this route', init, {}, undefined)
  }
}

/** Every refusal tokenguard makes, for exhaustive `switch (error.code)` in applications. */
export type AnyTokenGuardError =
  | InvalidRequestError
  | MissingTokenError
  | InvalidTokenError
  | InsufficientScopeError
  | InvalidDPoPProofError
  | UseDPoPNonceError
  | KeysUnavailableError
  | ReplayCheckUnavailableError
  | ClaimCheckUnavailableError
  | AuthenticationMissingError

/**
 * `error` with the token's facts, for refusals raised by tokenguard's own checks inside the issuer check
 * (which are created before the facts are read). Facts already present are kept.
 */
export function withFacts<T extends TokenGuardError>(error: T, facts: TokenFacts | undefined): T {
  if (facts !== undefined && error.facts === undefined && error.status < 500) (error as { facts: TokenFacts | undefined }).facts = facts
  return error
}

/** Narrowing helper that also works across duplicated installs of this package. */
export function isTokenGuardError(value: unknown): value is TokenGuardError {
  return value instanceof TokenGuardError || (value instanceof Error && typeof (value as { reason?: unknown }).reason === 'string' && typeof (value as { status?: unknown }).status === 'number' && 'wwwAuthenticate' in value)
}

/** The `code` of every {@link ConfigurationError}. */
export const CONFIGURATION_ERROR_CODE = 'ERR_TOKENGUARD_CONFIG'

/**
 * A configuration mistake: an unknown option, a value of the wrong type or out of range, an insecure URL,
 * or a configuration the authorization server contradicts (its metadata names another issuer, nothing is
 * published where the configuration points). Thrown when the verifier is created or by `ready()`, so that
 * startup fails with a message that names the option and the fix. A `TypeError`, as jose's are.
 */
export class ConfigurationError extends TypeError {
  /** Always {@link CONFIGURATION_ERROR_CODE}, for `switch` statements and across duplicated installs. */
  readonly code = CONFIGURATION_ERROR_CODE
  /** The option at fault, as a path: `clockTolerance`, `issuers[1].jwksUri`, `tokenCache.max`. */
  readonly option: string

  /** `message` is prefixed with `tokenguard: `. */
  constructor(option: string, message: string, options?: { cause?: unknown }) {
    super(`tokenguard: ${message}`, options)
    this.name = 'ConfigurationError'
    this.option = option
  }
}

/** Narrowing helper that also works across duplicated installs of this package. */
export function isConfigurationError(value: unknown): value is ConfigurationError {
  return value instanceof ConfigurationError || (value instanceof TypeError && (value as { code?: unknown }).code === CONFIGURATION_ERROR_CODE)
}
