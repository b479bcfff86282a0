/**
 * What to do about each refusal: the "what to do" column of the root README's troubleshooting table, word
 * for word (a Markdown link reads as its text; a test holds the two together), in one table by refusal reason.
 */
import type { RefusalReason } from '@tokenguard/core'

/** The fix hint for each refusal reason in the README's table (`–` where it has none). */
export const FIX_HINTS: Readonly<Partial<Record<RefusalReason, string>>> = Object.freeze({
  missing_token: 'the client must send its token in the header (query/body tokens are off by default)',
  malformed_authorization_header: 'check how the client builds the header (no quotes, no `Bearer Bearer …`)',
  audience_mismatch: 'request the token for this API (Auth0 `audience`, RFC 8707 `resource`, Entra `<app id uri>/.default`), or fix `audience` (Entra: app ID URI vs client id)',
  issuer_mismatch: "compare exactly: Auth0's issuer ends with `/`; Entra v1 tokens say `https://sts.windows.net/{tenant}/`, v2 `https://login.microsoftonline.com/{tenant}/v2.0`; a token from another tenant or environment is meant for another API",
  token_expired: 'the client must refresh before expiry; check clock skew (`exp` and `now` are in the line)',
  token_type_not_allowed: 'send the access token, not the ID token',
  algorithm_not_allowed: "configure `algorithms` / check the provider's signing algorithm",
  key_not_found: 'keys rotated away, or a token signed by another tenant that shares the issuer string',
  signature_invalid: 'token altered, or signed by another issuer',
  claim_missing: 'relax `requiredClaims` / `profile`, or configure the provider',
  insufficient_scope: 'grant the scope to the client and request it; check `scopeClaims` for your provider',
  claim_requirement_failed: "the client's token lacks what this route requires",
  claim_check_unavailable: 'the token may be fine: look at what the predicate asks; return `false` from it to refuse a token',
  token_revoked: 'the token was revoked (your `isRevoked` hook said so): the client needs a new one',
  revocation_check_unavailable: 'the token may be fine: look at what `isRevoked` consults; it must answer `true` or `false`',
  claim_invalid: "check the provider's token format; for `claims`, the check you configured",
  issuer_not_trusted: 'add the issuer, or it is not meant for you',
  authentication_missing: "put `authenticate()` in front of the guard (`app.use(auth)` or as the route's first handler)",
  keys_unavailable: 'check `issuer`/`jwksUri` reachability from the server; see the key source events',
  keys_misconfigured: "read the `ConfigurationError` from `ready()` (or the refusal's `cause`): it names the option and the fix, e.g. the exact issuer string to set",
  token_too_large: "raise the limit if your provider's tokens are that large",
  token_malformed: 'the classic case is Auth0 without `audience` in the token request, which returns an opaque or JWE token; request a JWT access token for your API',
  token_unsupported: '–',
  token_not_yet_valid: 'check clock skew; raise `maxTokenAge`',
  token_too_old: 'check clock skew; raise `maxTokenAge`',
  multiple_token_methods: 'send the token once, in the header',
  malformed_token_parameter: 'send the token once, in the header',
  verification_failed: 'look at `err.cause` in your logs',
  token_binding_unverified: 'send it as `Authorization: DPoP` with a proof; set `origin` so that DPoP is on',
  token_not_bound: 'request the token with a DPoP proof (or over mTLS)',
  dpop_url_mismatch: 'set `origin` to the public origin clients call (behind a proxy: the public one, or `trustProxy: true`)',
  dpop_proof_replayed: 'the client must make a new proof per request; a fleet needs one shared replay store',
  dpop_proof_stale: "check the client's clock, or use nonces",
  dpop_proof_future: "check the client's clock, or use nonces",
  dpop_key_mismatch: 'the client signs with another key than the one it got the token with',
  dpop_token_mismatch: 'the client signs with another key than the one it got the token with',
  dpop_nonce_missing: 'answer `use_dpop_nonce` with the `DPoP-Nonce` given (the client package does); give every instance the same `nonce.secret`',
  dpop_nonce_invalid: 'answer `use_dpop_nonce` with the `DPoP-Nonce` given (the client package does); give every instance the same `nonce.secret`',
  certificate_missing: 'call over mTLS with the certificate the token was issued to; behind a proxy, `mtls.certificateHeader` and `trustedProxies`',
  certificate_mismatch: 'call over mTLS with the certificate the token was issued to; behind a proxy, `mtls.certificateHeader` and `trustedProxies`',
  replay_store_unavailable: 'check the store (Redis); raise `maxEntries`',
})

/** The hint for `reason`, or where to look when the table has none. */
export function hintFor(reason: RefusalReason): string {
  return FIX_HINTS[reason] ?? 'see the troubleshooting table in the README'
}
