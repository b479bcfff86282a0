/**
 * Microsoft Entra ID (formerly Azure AD) access tokens for an API registered in a tenant.
 *
 * @see https://learn.microsoft.com/entra/identity-platform/access-tokens
 * @see https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 */
import type { VerifierOptions } from '../options.js'
import { ConfigurationError } from '../errors.js'
import { assertPresetOptions, presetResult, requireAudience, requireBaseUrl, requireText, type InsecureHttpOption } from './shared.js'

/** Options of {@link entraId}. */
export interface EntraIdPresetOptions extends InsecureHttpOption {
  /**
   * The directory (tenant) id, a GUID. The `common`, `organizations` and `consumers` aliases are refused:
   * tokens always name the real tenant in `iss`, so a multi-tenant API needs one issuer per accepted tenant.
   * Required.
   */
  tenantId: string
  /**
   * The API's identifiers: its application (client) id and, for v1 tokens, its Application ID URI
   * (`api://…`). v2 tokens always carry the client id in `aud`; v1 tokens carry whichever the client asked
   * for, so give both for v1. Required.
   */
  audience: string | readonly string[]
  /**
   * The access token version the API's registration asks for: its manifest's `accessTokenAcceptedVersion`
   * (`requestedAccessTokenVersion` in the Microsoft Graph app manifest); `null` there means 1. It decides the
   * token's `iss`, whatever endpoint the client used. Required: guessing wrong refuses every token.
   */
  version: 1 | 2
  /**
   * Replaces `https://login.microsoftonline.com`: where v2 issuers and both versions' keys live. For a
   * national cloud's login host, or a local conformance issuer in tests. `https` (`http` only with
   * `allowInsecureHttp`). Default is
   * `https://login.microsoftonline.com`.
   */
  loginBaseUrl?: string | undefined
  /**
   * Replaces `https://sts.windows.net`, the base of v1 issuers. Default is `https://sts.windows.net`.
   */
  stsBaseUrl?: string | undefined
}

const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Verifier options for Entra ID access tokens issued to one API in one tenant.
 *
 * - Issuer: `https://login.microsoftonline.com/{tenantId}/v2.0` for v2 tokens,
 *   `https://sts.windows.net/{tenantId}/` (trailing slash) for v1 tokens; a token of the other version, or
 *   of another tenant, is refused on `iss` (every tenant's tokens are signed by the same keys, so the
 *   issuer check is what keeps other tenants out).
 * - Keys: `https://login.microsoftonline.com/{tenantId}/discovery/v2.0/keys` (v2) or
 *   `…/{tenantId}/discovery/keys` (v1), set directly (v1 discovery lives on another host than its issuer).
 * - Type: always `JWT`; accepted by the default `lenient` profile (never use `rfc9068` with Entra ID).
 * - Scopes: `scp` (delegated permissions, space-delimited) merged with `roles` (application permissions,
 *   the only grant in client-credentials tokens). The client is in `azp` (v2) or `appid` (v1).
 * - Algorithms: RS256, the only one Entra ID signs access tokens with.
 *
 * @example
 * ```ts
 * const verifier = createVerifier(entraId({ tenantId: '…', audience: '6e74172b-be56-4843-9ff4-e66a39bb12e3', version: 2 }))
 * ```
 */
export function entraId(options: EntraIdPresetOptions): VerifierOptions {
  assertPresetOptions(options, 'entraId', ['tenantId', 'audience', 'version', 'loginBaseUrl', 'stsBaseUrl'])
  const tenantId = requireText(options.tenantId, 'entraId', 'tenantId')
  if (!TENANT_ID.test(tenantId)) {
    throw new ConfigurationError('tenantId', 'entraId() "tenantId" must be the directory (tenant) id, a GUID; aliases such as "common" cannot match any token\'s issuer')
  }
  if (options.version !== 1 && options.version !== 2) throw new ConfigurationError('version', 'entraId() "version" must be 1 or 2 (the API manifest\'s accessTokenAcceptedVersion)')
  const audience = requireAudience(options.audience, 'entraId')
  const login = options.loginBaseUrl === undefined ? 'https://login.microsoftonline.com' : requireBaseUrl(options.loginBaseUrl, 'entraId', 'loginBaseUrl', options.allowInsecureHttp)
  const tenant = tenantId.toLowerCase()
  if (options.version === 2) {
    return presetResult({ issuer: `${login}/${tenant}/v2.0`, jwksUri: `${login}/${tenant}/discovery/v2.0/keys`, audience, scopeClaims: ['scp', 'roles'] }, ['RS256'], options.allowInsecureHttp)
  }
  const sts = options.stsBaseUrl === undefined ? 'https://sts.windows.net' : requireBaseUrl(options.stsBaseUrl, 'entraId', 'stsBaseUrl', options.allowInsecureHttp)
  return presetResult({ issuer: `${sts}/${tenant}/`, jwksUri: `${login}/${tenant}/discovery/keys`, audience, scopeClaims: ['scp', 'roles'] }, ['RS256'], options.allowInsecureHttp)
}
