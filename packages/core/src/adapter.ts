/**
 * `@tokenguard/core/adapter`: what a framework adapter needs beyond the public verifier — the request view
 * it builds, the decision it translates, guards' authorization, the refusal log and report, and — for
 * frameworks built on the Fetch API — the view of a `Request` and the `Response` of a refusal. An adapter
 * for Koa, Hapi or a company's own framework is written against this module alone (see `examples/node-http-adapter.ts`).
 */
export type { AuthContext } from './auth-context.js'
export type { Accepted, Anonymous, Decision, Refused } from './decision.js'
export type { HeadersLike, RequestView } from './request.js'
export { absoluteUrl } from './request-url.js'
export { peerCertificateOf } from './peer-certificate.js'
export { nodeRequestReader, SocketRequestView, type NodeHeaders, type NodeRequestReader, type NodeStyleRequest, type SocketLike } from './socket-request-view.js'
export type { RequestUrlOptions, RequestUrlSettings } from './request-url.js'
export { ANY_VALID_TOKEN, authorize, authorizeThen, claimName, compileRequirement, isRouteRequirement, routeRequirementFrom } from './requirement.js'
export type { RouteRequirement, RouteRequirementInit } from './requirement.js'
export { logRefusal, refusalReporter, settleLogLevels } from './refusal-log.js'
export { assertKnownKeys } from './option-keys.js'
export { MULTI_ISSUER_OPTION_KEYS, VERIFIER_OPTION_KEYS } from './options.js'
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
export type { ResourceMetadataOptions, ResourceMetadataResponse, ResourceMetadataServingOptions } from './resource-metadata.js'
export { decideHeld, guardRefusal, reportHeld } from './observability/held-decision.js'
export type { ClosingResponse, Deciding } from './observability/held-decision.js'
export { adapterSetup } from './adapter-setup.js'
export type { AdapterSetup, AdapterSetupInit } from './adapter-setup.js'
export { webRequestView } from './web-request.js'
export type { WebRequestExtras } from './web-request.js'
export { refusalResponse, resourceMetadataWebResponse } from './web-response.js'
