/**
 * `protectedResourceMetadata()`: serves this API's RFC 9728 Protected Resource Metadata at its path-aware
 * well-known location, for clients (MCP clients among them) that follow a challenge's `resource_metadata`
 * to find the authorization server.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3
 */
import { resourceMetadataFor, resourceMetadataWebResponse, type ResourceMetadataServingOptions, type ResourceMetadataResponse, type Verifier } from '@tokenguard/core/adapter'
import type { MiddlewareHandler } from 'hono'

/** Options of {@link protectedResourceMetadata}: the document's fields, plus where defaults come from. */
export interface ProtectedResourceMetadataOptions extends ResourceMetadataServingOptions {
  /**
   * The verifier that guards this API. When given, `authorizationServers` defaults to its issuer and the
   * bearer methods to its extraction options, and its challenges are checked (at startup) to carry this
   * document's URL in `resource_metadata`: create it with `resourceMetadata: resourceMetadataUrl(resource)`.
   */
  verifier?: Verifier | undefined
}

/** The middleware, with the document's location and content exposed. */
export type ProtectedResourceMetadataMiddleware = MiddlewareHandler & { readonly metadata: ResourceMetadataResponse }

/**
 * Answers `GET`/`HEAD` (and CORS preflights) of `/.well-known/oauth-protected-resource{path of resource}`
 * and passes every other request on. Use it at the root, before anything that requires a token.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ issuer, audience: resource, resourceMetadata: resourceMetadataUrl(resource) })
 * app.use(protectedResourceMetadata({ verifier, resource, scopesSupported: ['tools:read'] }))
 * app.use('/mcp', tokenguard({ verifier }))
 * ```
 */
export function protectedResourceMetadata(options: ProtectedResourceMetadataOptions): ProtectedResourceMetadataMiddleware {
  const { verifier, ...fields } = options
  const metadata = resourceMetadataFor(fields, verifier)
  const middleware: MiddlewareHandler = async function tokenguardResourceMetadata(c, next) {
    const answer = c.req.path === metadata.path ? resourceMetadataWebResponse(metadata, c.req.method) : undefined
    if (answer !== undefined) return answer
    await next()
    return undefined
  }
  return Object.assign(middleware, { metadata })
}
