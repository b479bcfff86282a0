/**
 * The names of refusals: the `error` codes clients see on the wire, and the precise reasons operators see in
 * logs, metrics and hooks. One list each, so that a `switch` over either is exhaustive.
 */
/** Error codes, as seen by clients (`error` attribute) and by `switch` statements in applications. */
export type ErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  /** 401: the DPoP proof is missing, malformed or not for this request (RFC 9449 §7.1); or it must carry the server's nonce, given in `DPoP-Nonce` (§9). */
  | 'invalid_dpop_proof' | 'use_dpop_nonce'
  /** No credentials at all: 401 with a challenge that carries no `error` attribute (RFC 6750 §3.1). */
  | 'missing_token'
  /** The authorization server's keys (or the DPoP replay store) cannot be had right now: 503, the client's token may be fine. */
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
  /** An asynchronous claim check (a predicate of `claims`) rejected: what it consults is down (503). */
  | 'claim_check_unavailable'
  // revocation (`isRevoked` option): the hook says revoked (401), or could not answer (503)
  | 'token_revoked' | 'revocation_check_unavailable'
  // sender-constrained tokens (RFC 9449, RFC 8705): a binding that is off, sent as Bearer or checked without its
  // request; a `cnf` method tokenguard does not verify; an unbound token where a bound one is required (or as DPoP)
  | 'token_binding_unverified' | 'token_binding_unsupported' | 'token_not_bound'
  | 'certificate_missing' | 'certificate_invalid' | 'certificate_mismatch' | 'replay_store_unavailable'
  // DPoP proofs (RFC 9449 §4.3), one reason per check
  | 'dpop_proof_missing' | 'dpop_proof_multiple' | 'dpop_proof_too_large' | 'dpop_proof_malformed' | 'dpop_proof_type' | 'dpop_algorithm_not_allowed' | 'dpop_key_invalid'
  | 'dpop_signature_invalid' | 'dpop_claims_invalid' | 'dpop_method_mismatch' | 'dpop_url_mismatch' | 'dpop_url_unknown' | 'dpop_proof_stale' | 'dpop_proof_future'
  | 'dpop_token_mismatch' | 'dpop_key_mismatch' | 'dpop_nonce_missing' | 'dpop_nonce_invalid' | 'dpop_proof_replayed'
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
