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
import { formatBearerChallenge, sanitizeAttribute, type ChallengeContext } from './challenge.js'
import { formatFacts, type TokenFacts } from './token-facts.js'

export type { TokenFacts } from './token-facts.js'

/** Error codes, as seen by clients (`error` attribute) and by `switch` statements in applications. */
export type ErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  /** No credentials at all: 401 with a challenge that carries no `error` attribute (RFC 6750 §3.1). */
  | 'missing_token'
  /** The authorization server's keys cannot be had right now: 503, the client's token may be fine. */
  | 'temporarily_unavailable'
  /** The application is wired wrongly (e.g. a guard without authentication before it): 500. */
  | 'server_error'

/** The precise, operator-facing reason for a refusal. Never sent to the client. */
export type RefusalReason =
  // extraction (RFC 6750 §2)
  | 'missing_token'
  | 'malformed_authorization_header'
  | 'malformed_token_parameter'
  | 'multiple_token_methods'
  // verification
  | 'token_too_large'
  | 'token_malformed'
  | 'token_unsupported'
  | 'token_type_not_allowed'
  | 'algorithm_not_allowed'
  | 'signature_invalid'
  | 'key_not_found'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'token_too_old'
  | 'issuer_mismatch'
  | 'issuer_not_trusted'
  | 'audience_mismatch'
  | 'claim_missing'
  | 'claim_invalid'
  | 'verification_failed'
  // authorization
  | 'insufficient_scope'
  | 'claim_requirement_failed'
  // sender-constrained tokens: a `cnf` claim whose binding this request does not prove
  | 'token_binding_unverified'
  // the application's wiring
  | 'authentication_missing'
  // key source
  | 'keys_unavailable'
  /** The keys cannot be had because of the configuration (see {@link ConfigurationError}); still a 503. */
  | 'keys_misconfigured'
  // introspection (RFC 7662): the authorization server says the token is not active (revoked, expired, unknown)
  | 'token_inactive'
  // introspection: the endpoint is down, slow, failing or answers garbage (503)
  | 'introspection_unavailable'
  // introspection: the endpoint refuses this API's own request (credentials, client auth, response format): 503, logged as an error
  | 'introspection_misconfigured'

/** What every refusal is built from. */
export interface RefusalInit extends ChallengeContext {
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

function challenge(init: RefusalInit, error: string | undefined, errorDescription: string | undefined, scope?: string) {
  return formatBearerChallenge({ realm: init.realm, error, errorDescription, scope, resourceMetadata: init.resourceMetadata })
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
export type AnyTokenGuardError = InvalidRequestError | MissingTokenError | InvalidTokenError | InsufficientScopeError | KeysUnavailableError | AuthenticationMissingError

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
