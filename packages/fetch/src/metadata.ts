/**
 * `protectedResourceMetadata()`: the RFC 9728 Protected Resource Metadata document as a Fetch API handler
 * that answers its own path and leaves every other request to the caller.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3
 */
import { resourceMetadataFor, resourceMetadataWebResponse, type ResourceMetadataServingOptions, type ResourceMetadataResponse, type Verifier } from '@tokenguard/core/adapter'

/** Options of {@link protectedResourceMetadata}: the document's fields, plus where defaults come from. */
export interface ProtectedResourceMetadataOptions extends ResourceMetadataServingOptions {
  /**
   * The verifier that guards this API. When given, `authorizationServers` defaults to its issuer and the
   * bearer methods to its extraction options, and its challenges are checked (at startup) to carry this
   * document's URL in `resource_metadata`: create it with `resourceMetadata: resourceMetadataUrl(resource)`.
   */
  verifier?: Verifier | undefined
}

/** The handler: the document's `Response`, or `undefined` for a request to another path or with another method. */
export interface ProtectedResourceMetadataHandler {
  (request: Request): Response | undefined
  readonly metadata: ResourceMetadataResponse
}

/**
 * @example
 * ```ts
 * const metadata = protectedResourceMetadata({ verifier, resource, scopesSupported: ['tools:read'] })
 * export default { fetch: (request) => metadata(request) ?? mcp(request) }
 * ```
 */
export function protectedResourceMetadata(options: ProtectedResourceMetadataOptions): ProtectedResourceMetadataHandler {
  const { verifier, ...fields } = options
  const metadata = resourceMetadataFor(fields, verifier)
  const handler = (request: Request) => (new URL(request.url).pathname === metadata.path ? resourceMetadataWebResponse(metadata, request.method) : undefined)
  return Object.assign(handler, { metadata })
}
