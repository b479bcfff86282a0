/**
 * Amazon Cognito user pool access tokens.
 *
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
 */
import type { VerifierOptions } from '../options.js'
import { ConfigurationError } from '../errors.js'
import { assertPresetOptions, presetResult, requireAudience, requireBaseUrl, requireText, type InsecureHttpOption } from './shared.js'

/** Options of {@link cognito}. */
export interface CognitoPresetOptions extends InsecureHttpOption {
  /** The user pool's AWS Region, e.g. `eu-west-1`; must be the prefix of `userPoolId`. Required. */
  region: string
  /** The user pool id, `{region}_{id}`, e.g. `eu-west-1_AbCdEfGhI`. Required. */
  userPoolId: string
  /** The app client id(s) whose access tokens this API accepts (their `client_id` claim). Required. */
  clientId: string | readonly string[]
  /**
   * Replaces `https://cognito-idp.{region}.amazonaws.com`, e.g. a local conformance issuer in tests. The
   * issuer stays `{baseUrl}/{userPoolId}`. `https` (`http` only with `allowInsecureHttp`). Default is
   * `https://cognito-idp.{region}.amazonaws.com`.
   */
  baseUrl?: string | undefined
}

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
 * - Algorithms: RS256, the only one user pools sign with.
 *
 * @example
 * ```ts
 * const verifier = createVerifier(cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbCdEfGhI', clientId: '1example23456789' }))
 * ```
 */
export function cognito(options: CognitoPresetOptions): VerifierOptions {
  assertPresetOptions(options, 'cognito', ['region', 'userPoolId', 'clientId', 'baseUrl'])
  const region = requireText(options.region, 'cognito', 'region')
  const userPoolId = requireText(options.userPoolId, 'cognito', 'userPoolId')
  if (!REGION.test(region)) throw new ConfigurationError('region', 'cognito() "region" must be an AWS Region such as "eu-west-1"')
  const poolRegion = USER_POOL_ID.exec(userPoolId)?.[1]
  if (poolRegion !== region) throw new ConfigurationError('userPoolId', `cognito() "userPoolId" must look like "${region}_AbCdEfGhI" (its prefix is the pool's Region)`)
  const clientId = requireAudience(options.clientId, 'cognito', 'clientId')
  const base = options.baseUrl === undefined ? `https://cognito-idp.${region}.amazonaws.com` : requireBaseUrl(options.baseUrl, 'cognito', 'baseUrl', options.allowInsecureHttp)
  const issuer = `${base}/${userPoolId}`
  return presetResult({
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    audience: clientId,
    audienceClaim: 'client_id',
    claims: { token_use: 'access' },
    // An ID token has `aud` = the client id but no `client_id`: it fails here, before any claim check.
    requiredClaims: ['client_id', 'token_use'],
    scopeClaims: ['scope'],
  }, ['RS256'], options.allowInsecureHttp)
}
