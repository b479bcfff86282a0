/**
 * `@tokenguard/core/adapter`: what a framework adapter needs beyond the public verifier — the request view
 * it builds, the decision it translates, guards' authorization, and the refusal log. An adapter for Koa,
 * Hapi or a company's own framework is written against this module alone (see `examples/node-http.ts`).
 */
export type { AuthContext } from './auth-context.js'
export type { Accepted, Anonymous, Decision, Refused } from './decision.js'
export type { HeadersLike, RequestView } from './request.js'
export { absoluteUrl } from './request-url.js'
export { peerCertificateOf } from './peer-certificate.js'
export type { RequestUrlOptions, RequestUrlSettings } from './request-url.js'
export { ANY_VALID_TOKEN, authorize, compileRequirement, isRouteRequirement, routeRequirementFrom } from './requirement.js'
export type { RouteRequirement, RouteRequirementInit } from './requirement.js'
export { logRefusal, refusalReporter, settleLogLevels } from './refusal-log.js'
export { assertKnownKeys } from './option-keys.js'
export type { Logger, LogLevel, RefusalLogLevels, RefusalReporter, RefusalReporting } from './refusal-log.js'
export { AuthenticationMissingError, isTokenGuardError, MissingTokenError, TokenGuardError } from './errors.js'
export type { Verifier } from './verifier.js'
export {
  advertiseResourceMetadata,
  assertChallengeAdvertises,
  RESOURCE_METADATA_PREFLIGHT_HEADERS,
  resourceMetadataDefaults,
  resourceMetadataFor,
  resourceMetadataResponse,
} from './resource-metadata.js'
export type { ResourceMetadataOptions, ResourceMetadataResponse } from './resource-metadata.js'
