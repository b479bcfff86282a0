export { createTokenClient, type TokenClient } from './token-client.js'
export type { TokenClientOptions, TokenRequestOverrides } from './options.js'
export type { Duration, DurationString, DurationUnit } from './duration.js'
export type { RetryOptions } from './retry.js'
export type { TokenClientLogger, FetchLike } from './http.js'
export type { ClientAuthMethod, ClientAssertionAlg, PrivateKeyInput } from './client-auth.js'
export { TokenRequestError, hintFor, type TokenErrorCode } from './errors.js'
export { createMemoryStore, isCachedToken, type CachedToken, type TokenStore } from './store.js'
export { isInvalidTokenChallenge } from './authorized-fetch.js'
export type { ClientTelemetryApi, ClientTelemetryOptions, TokenRequestEvent, TokenRequestSink } from './telemetry.js'
export { tokenRequestSpikeDetector, type TokenRequestSpikeAlert, type TokenRequestSpikeDetectorOptions } from './token-request-spike.js'
// Also at '@tokenguard/client/presets' (as in @tokenguard/core); kept here so existing imports keep working.
export {
  auth0,
  entraId,
  keycloak,
  okta,
  type Auth0PresetOptions,
  type EntraIdPresetOptions,
  type KeycloakPresetOptions,
  type OktaPresetOptions,
} from './presets/index.js'
