export { createVerifier } from './verify.js'
export type { AccessTokenClaims, AuthContext, Verifier, VerifyRequirements } from './verify.js'
export type { IssuerEntry, IssuerResolver, MultiIssuerOptions } from './multi-issuer.js'
export type { TokenCacheOptions } from './token-cache.js'
export { authorize, compileRequirement } from './authenticate.js'
export type { RouteRequirement, RouteRequirementInit } from './authenticate.js'
export type { ClaimCheck } from './claims.js'
export { extractToken } from './extract.js'
export type { ExtractOptions, HeadersLike, RequestLike } from './extract.js'
export {
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  isTokenGuardError,
  KeysUnavailableError,
  MissingTokenError,
  TokenGuardError,
} from './errors.js'
export type { ErrorCode, RefusalInit, RefusalReason } from './errors.js'
export { formatBearerChallenge, sanitizeAttribute } from './challenge.js'
export type { ChallengeContext, ChallengeParams } from './challenge.js'
export { assertScopes, hasScopes, readScopes, scopeRequirement } from './scopes.js'
export type { ScopeClaim, ScopeRequirement } from './scopes.js'
export { DEFAULT_ALGORITHMS, RFC9068_REQUIRED_CLAIMS } from './options.js'
export type { SettledOptions, VerifierOptions, VerifierSettings } from './options.js'
export type { KeySource } from './key-source.js'
export type { KeySetSnapshot } from './key-set.js'
export type { FetchCause, KeySourceEvent, KeySourceEventListener } from './events.js'
export { discoveryUrls } from './discovery.js'
export { refusalFor } from './jose-refusal.js'
export {
  assertChallengeAdvertises,
  buildResourceMetadata,
  RESOURCE_METADATA_PREFLIGHT_HEADERS,
  RESOURCE_METADATA_SUFFIX,
  resourceMetadataDefaults,
  resourceMetadataFor,
  resourceMetadataPath,
  resourceMetadataResponse,
  resourceMetadataUrl,
} from './resource-metadata.js'
export type { ProtectedResourceMetadata, ResourceMetadataOptions, ResourceMetadataResponse } from './resource-metadata.js'
export { auth0, cognito, entraId, keycloak, okta } from './presets/index.js'
export type {
  Auth0PresetOptions,
  CognitoPresetOptions,
  EntraIdPresetOptions,
  KeycloakPresetOptions,
  OktaPresetOptions,
} from './presets/index.js'
export { assertReplayArguments, MAX_REPLAY_KEY_LENGTH, memoryReplayStore, ReplayStoreUnavailableError } from './replay-store.js'
export type { MemoryReplayStoreOptions, ReplayStore } from './replay-store.js'
