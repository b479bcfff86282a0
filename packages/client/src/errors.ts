/**
 * Typed errors for token requests, with troubleshooting hints.
 * Error text never contains client secrets or client assertions: descriptions
 * coming from the server are sanitised (see redact.ts) before they get here.
 */

/** OAuth error codes (RFC 6749 §5.2 and friends) plus codes for transport failures. */
export type TokenErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  /** The request did not complete within `timeoutDuration`. */
  | 'timeout'
  /** The connection failed (DNS, refused, reset, TLS...). */
  | 'network_error'
  /** The server answered, but not with a usable token response or OAuth error. */
  | 'invalid_response'
  /** Issuer discovery failed or the metadata did not match the configured issuer. */
  | 'discovery_error'
  | (string & {})

// A Map, not an object literal: a server's error code is looked up here, and "constructor" or "__proto__"
// must not find Object.prototype's members.
const HINTS: ReadonlyMap<string, string> = new Map(Object.entries({
  invalid_client:
    'Check the client credentials: client ID, client secret (or private key and key ID), and that `auth` matches the token_endpoint_auth_method registered for the client.',
  invalid_scope:
    'Check the scopes granted to the client at the authorization server; request only scopes the client is allowed (for Entra ID use "<resource>/.default").',
  unauthorized_client:
    'Enable the client-credentials grant for this client (machine-to-machine / service application) at the authorization server.',
  unsupported_grant_type:
    'The server does not accept grant_type=client_credentials here: check the token URL and that the grant is enabled on the server and for the client.',
  invalid_grant:
    'The grant was rejected: check the client is allowed to use client credentials and that its credentials and key registration are current.',
  access_denied: 'The server refused the request: check that the client is authorised for the requested audience/resource and scopes.',
  invalid_request: 'The request was malformed or missing a parameter: check audience/resource, scope, extraParams and the token URL.',
  invalid_target: 'The requested audience/resource is unknown or not allowed for this client: check the audience/resource value.',
  server_error: 'The authorization server failed; retry later or check its status.',
  temporarily_unavailable: 'The authorization server is temporarily unavailable; retry later.',
  timeout: 'The token endpoint did not answer within timeoutDuration: check the token URL, network path and server health.',
  network_error: 'Could not reach the token endpoint: check the token URL (or issuer), DNS, proxies and TLS.',
  invalid_response: 'The server did not return a usable token response: check the token URL (is it really the token endpoint?).',
  discovery_error: 'Issuer discovery failed: check the issuer URL; it must equal the "issuer" value in the server metadata exactly.',
}))

const GENERIC_HINT = 'Check the token URL, audience/resource, scopes and client credentials.'

const GRANT_HINT_PATTERN = /grant[ _-]?type/i

/** Troubleshooting hint for an error code (and, optionally, its description). */
export function hintFor(code: string, description?: string): string {
  if (code === 'invalid_request' && description && GRANT_HINT_PATTERN.test(description)) {
    // Some servers (e.g. oidc-provider) answer invalid_request when the client
    // lacks the client_credentials grant.
    return HINTS.get('unauthorized_client')!
  }
  return HINTS.get(code) ?? GENERIC_HINT
}

export interface TokenRequestErrorInit {
  code: TokenErrorCode
  description?: string | undefined
  status?: number | undefined
  uri?: string | undefined
  cause?: unknown
}

/** A failed token (or discovery) request. */
export class TokenRequestError extends Error {
  /** OAuth error code, or one of 'timeout', 'network_error', 'invalid_response', 'discovery_error'. */
  readonly code: TokenErrorCode
  /** Sanitised error_description from the server, if any. */
  readonly description: string | undefined
  /** HTTP status of the final attempt, if a response was received. */
  readonly status: number | undefined
  /** error_uri from the server, if any. */
  readonly uri: string | undefined
  /** What to check to fix it. */
  readonly hint: string

  constructor(init: TokenRequestErrorInit) {
    const status = init.status === undefined ? '' : ` (HTTP ${init.status})`
    const description = init.description ? `: ${init.description}` : ''
    super(`Token request failed: ${init.code}${status}${description}`, init.cause === undefined ? undefined : { cause: init.cause })
    this.name = 'TokenRequestError'
    this.code = init.code
    this.description = init.description
    this.status = init.status
    this.uri = init.uri
    this.hint = hintFor(init.code, init.description)
  }

  /** Whether retrying the same request might succeed. */
  get retryable(): boolean {
    if (this.code === 'timeout' || this.code === 'network_error') return true
    return this.status !== undefined && (this.status >= 500 || this.status === 429)
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      description: this.description,
      status: this.status,
      uri: this.uri,
      hint: this.hint,
    }
  }
}
