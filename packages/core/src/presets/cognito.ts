/**
 * Amazon Cognito user pool access tokens.
 *
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
 */
import type { ClaimCheck } from '../authenticate.js'
import type { VerifierOptions } from '../options.js'
import { requireAudience, requireBaseUrl, requireText } from './shared.js'

/** Options of {@link cognito}. */
export interface CognitoPresetOptions {
  /** The user pool's AWS Region, e.g. `eu-west-1`; must be the prefix of `userPoolId`. Required. */
  region: string
  /** The user pool id, `{region}_{id}`, e.g. `eu-west-1_AbCdEfGhI`. Required. */
  userPoolId: string
  /** The app client id(s) whose access tokens this API accepts (their `client_id` claim). Required. */
  clientId: string | readonly string[]
  /**
   * Replaces `https://cognito-idp.{region}.amazonaws.com`, e.g. a local conformance issuer in tests. The
   * issuer stays `{baseUrl}/{userPoolId}`. Default is `https://cognito-idp.{region}.amazonaws.com`.
   */
  baseUrl?: string | undefined
}

/**
 * Options the Cognito preset needs from core beyond `audience`, because Cognito access tokens have no
 * `aud`: the app client is in `client_id`, and only `token_use` tells an access token from an ID token.
 * Proposed for `VerifierOptions` (see docs/providers.md); until core reads them a verifier built from
 * this preset refuses every Cognito token, access or ID (it fails closed, never open).
 */
export interface ClientIdAudienceOptions {
  /**
   * The claim checked against `audience`. Default is `'aud'` (RFC 9068 §4); with another claim, `aud` is
   * not required and the named claim must hold (or, as an array, contain) one of `audience`.
   */
  audienceClaim?: 'aud' | 'client_id' | (string & {}) | undefined
  /** Claims every token must satisfy (same checks as a route's `claims`), refused as `invalid_token`. */
  claims?: Readonly<Record<string, ClaimCheck>> | undefined
}

/** What {@link cognito} returns: verifier options plus the pending {@link ClientIdAudienceOptions}. */
export type CognitoVerifierOptions = VerifierOptions & ClientIdAudienceOptions

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/
const USER_POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9A-Za-z]+$/

/**
 * Verifier options for access tokens of one Cognito user pool, for the given app client(s).
 *
 * - Issuer: `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`; keys at
 *   `{issuer}/.well-known/jwks.json` (set directly). Access and ID tokens are signed with different keys
 *   of that set.
 * - No `aud` in access tokens: the app client is checked on `client_id`, and `token_use` must be
 *   `access`. An ID token (`token_use: 'id'`, the client in `aud`, no `client_id`) is refused, and so is
 *   an access token of another app client of the same pool.
 * - Type: no `typ` header; accepted by the default `lenient` profile.
 * - Scopes: `scope`. Custom scopes read `{resourceServerIdentifier}/{scopeName}`.
 *
 * @example
 * ```ts
 * const verifier = createVerifier(cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbCdEfGhI', clientId: '1example23456789' }))
 * ```
 */
export function cognito(options: CognitoPresetOptions): CognitoVerifierOptions {
  const region = requireText(options?.region, 'cognito', 'region')
  const userPoolId = requireText(options.userPoolId, 'cognito', 'userPoolId')
  if (!REGION.test(region)) throw new TypeError('tokenguard: cognito() "region" must be an AWS Region such as "eu-west-1"')
  const poolRegion = USER_POOL_ID.exec(userPoolId)?.[1]
  if (poolRegion !== region) throw new TypeError(`tokenguard: cognito() "userPoolId" must look like "${region}_AbCdEfGhI" (its prefix is the pool's Region)`)
  const clientId = requireAudience(options.clientId, 'cognito', 'clientId')
  const base = options.baseUrl === undefined ? `https://cognito-idp.${region}.amazonaws.com` : requireBaseUrl(options.baseUrl, 'cognito', 'baseUrl')
  const issuer = `${base}/${userPoolId}`
  return {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    audience: clientId,
    audienceClaim: 'client_id',
    claims: { token_use: 'access' },
    // Fails closed on a core that does not know `audienceClaim` yet: an ID token has `aud` = the client
    // id but no `client_id`, so without this line it would pass a plain `aud` check.
    requiredClaims: ['client_id', 'token_use'],
    scopeClaims: ['scope'],
  }
}
