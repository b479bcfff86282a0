export { createVerifier } from './verifier.js'
export { SIGNATURE_ENGINE } from '#jwt-verify'
export type { Verifier } from './verifier.js'
export type { AccessTokenClaims, AuthContext } from './auth-context.js'
export type { Accepted, Anonymous, Decision, Refused } from './decision.js'
export type { HeadersLike, RequestView } from './request.js'
export type { RequestUrlOptions } from './request-url.js'
export type { IssuerEntry, IssuerResolver, MultiIssuerOptions } from './issuer-selection.js'
export type { TokenCacheOptions } from './token-cache.js'
export type { TokenFormat } from './token-format.js'
export type { IntrospectionClientAuth, IntrospectionOptions } from './introspection-options.js'
export type { IntrospectionCacheOptions } from './introspection-cache.js'
export type { IntrospectionCacheStore, IntrospectionRecord } from './introspection-cache-store.js'
export { compileRequirement } from './requirement.js'
export type { RouteRequirement, RouteRequirementInit } from './requirement.js'
export { includes } from './claims.js'
export type { ClaimCheck, ClaimPredicate } from './claims.js'
export type { RevocationCheck } from './revocation.js'
export { extractToken } from './extract.js'
export type { ExtractOptions } from './extract.js'
export {
  AuthenticationMissingError,
  ClaimCheckUnavailableError,
  CONFIGURATION_ERROR_CODE,
  ConfigurationError,
  InsufficientScopeError,
  InvalidDPoPProofError,
  InvalidRequestError,
  InvalidTokenError,
  isConfigurationError,
  isTokenGuardError,
  KeysUnavailableError,
  MissingTokenError,
  ReplayCheckUnavailableError,
  TokenGuardError,
  UseDPoPNonceError,
} from './errors.js'
export { DPOP_ALGORITHMS } from './binding-options.js'
export type { BindingMode, BindingSettings, DPoPOptions, DPoPSettings, MtlsOptions, NonceOptions } from './binding-options.js'
export type { AnyTokenGuardError, ErrorCode, RefusalInit, RefusalReason } from './errors.js'
export type { TokenFacts } from './token-facts.js'
export { formatBearerChallenge, formatChallenges, formatDPoPChallenge, sanitizeAttribute } from './challenge.js'
export type { ChallengeContext, ChallengeParams, ChallengeSettings } from './challenge.js'
export { assertScopes, hasScopes, readScopes, scopeRequirement } from './scopes.js'
export type { ScopeClaim, ScopeRequirement } from './scopes.js'
export { DEFAULT_ALGORITHMS, DURATION_BOUNDS, ISSUER_ENTRY_KEYS, MULTI_ISSUER_OPTION_KEYS, RFC9068_REQUIRED_CLAIMS, VERIFIER_OPTION_KEYS } from './options.js'
export { assertKnownKeys, closestName } from './option-keys.js'
export { formatDuration, parseDuration } from './duration.js'
export type { Duration, DurationBounds, DurationUnit } from './duration.js'
export { isIssuerIdentifier, requireIssuerIdentifier, requireKeySetUrl } from './issuer-identifier.js'
export type { SettledOptions, VerifierOptions, VerifierSettings } from './options.js'
export type { DiscoveryRecord, KeySource } from './key-source.js'
export type { FetchFunction, FetchInit, FetchResponse } from './fetch-json.js'
export type { KeySetSnapshot } from './key-set.js'
export type { FetchCause, KeySourceEvent, KeySourceEventListener } from './events.js'
export type { ObservabilityOptions, TelemetryOptions } from './observability/observability-options.js'
export type { OpenTelemetryApi } from './observability/telemetry-api.js'
export type { ClientIdAttribute } from './observability/client-id-labels.js'
export type { AuditSink } from './observability/observer.js'
export type { DecisionCheck, DecisionEvent } from './observability/decision-event.js'
export type { KeysChannelMessage } from './observability/key-observation.js'
export { DECISION_CHANNEL, KEYS_CHANNEL } from './observability/diagnostics-channel.js'
export { DURATION_BUCKETS, INSTRUMENTATION_SCOPE } from './observability/metrics.js'
export { refusalSpikeDetector } from './observability/detectors/refusal-spike.js'
export type { RefusalSpikeAlert, RefusalSpikeDetector, RefusalSpikeOptions } from './observability/detectors/refusal-spike.js'
export { newNetworkDetector } from './observability/detectors/new-network.js'
export type { NewNetworkAlert, NewNetworkDetector, NewNetworkOptions } from './observability/detectors/new-network.js'
export type { DetectorOptions } from './observability/detectors/detector-options.js'
export { discoveryUrls } from './discovery.js'
export { refusalFor } from './jose-refusal.js'
export { buildResourceMetadata, RESOURCE_METADATA_SUFFIX, resourceMetadataPath, resourceMetadataUrl } from './resource-metadata.js'
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
