/**
 * Building `WWW-Authenticate: Bearer …` values (RFC 6750 §3, RFC 9728 §5.1).
 *
 * Everything that ends up inside a quoted attribute passes through {@link sanitizeAttribute}, so that no
 * caller-controlled byte can break out of the header (header injection) or smuggle a quote.
 */

/** Attributes of one Bearer challenge. Each is emitted at most once (RFC 6750 §3). */
export interface ChallengeParams {
  /** Protection space, e.g. the API's name. */
  realm?: string | undefined
  /** RFC 6750 error code; omitted when the request carried no credentials at all. */
  error?: string | undefined
  /** Human-readable, generic text; never internal detail. */
  errorDescription?: string | undefined
  /** Space-delimited scopes needed (with `insufficient_scope`). */
  scope?: string | undefined
  /** RFC 9728 Protected Resource Metadata URL. */
  resourceMetadata?: string | undefined
}

/** Where the challenge attributes that do not depend on the failure come from (configuration). */
export interface ChallengeContext {
  /** `realm` attribute of every challenge. Default is none: challenges carry no `realm`. */
  realm?: string | undefined
  /** `resource_metadata` attribute of every challenge (RFC 9728 §5.1): the metadata document's URL. Default is none. */
  resourceMetadata?: string | undefined
}

// RFC 6750 §3: error_description and friends may only carry %x20-21 / %x23-5B / %x5D-7E.
const NOT_ALLOWED_IN_ATTRIBUTE = /[^\x20\x21\x23-\x5B\x5D-\x7E]/g
const MAX_ATTRIBUTE_LENGTH = 512

/** Drops every character RFC 6750 does not allow inside a quoted challenge attribute, and caps length. */
export function sanitizeAttribute(value: string): string {
  const cleaned = value.replace(NOT_ALLOWED_IN_ATTRIBUTE, '')
  return cleaned.length > MAX_ATTRIBUTE_LENGTH ? cleaned.slice(0, MAX_ATTRIBUTE_LENGTH) : cleaned
}

/** Formats a `Bearer` challenge, e.g. `Bearer realm="api", error="invalid_token", error_description="…"`. */
export function formatBearerChallenge(params: ChallengeParams): string {
  const parts: string[] = []
  append(parts, 'realm', params.realm)
  append(parts, 'error', params.error)
  append(parts, 'error_description', params.errorDescription)
  append(parts, 'scope', params.scope)
  append(parts, 'resource_metadata', params.resourceMetadata)
  return parts.length === 0 ? 'Bearer' : `Bearer ${parts.join(', ')}`
}

function append(parts: string[], name: string, value: string | undefined): void {
  if (value === undefined) return
  parts.push(`${name}="${sanitizeAttribute(value)}"`)
}
