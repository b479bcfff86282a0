/**
 * `protectedResourceMetadata()`: serves this API's RFC 9728 Protected Resource Metadata at its path-aware
 * well-known location, for clients (MCP clients among them) that follow a challenge's `resource_metadata`
 * to find the authorization server.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3
 */
import { RESOURCE_METADATA_PREFLIGHT_HEADERS, resourceMetadataFor, type ResourceMetadataServingOptions, type ResourceMetadataResponse, type Verifier } from '@tokenguard/core/adapter'
import type { NextFunction, Request, RequestHandler, Response } from 'express'

/** Options of {@link protectedResourceMetadata}: the document's fields, plus where defaults come from. */
export interface ProtectedResourceMetadataOptions extends ResourceMetadataServingOptions {
  /**
   * The verifier that guards this API. When given, `authorizationServers` defaults to its issuer and the
   * bearer methods to its extraction options, and its challenges are checked (at startup) to carry this
   * document's URL in `resource_metadata`: create it with `resourceMetadata: resourceMetadataUrl(resource)`.
   */
  verifier?: Verifier | undefined
}

/** The handler, with the document's location and content exposed (e.g. for logs or tests). */
export interface ProtectedResourceMetadataHandler extends RequestHandler {
  readonly metadata: ResourceMetadataResponse
}

/**
 * Serves the document at `/.well-known/oauth-protected-resource{path of resource}` (GET and HEAD, plus a
 * CORS preflight answer) and passes every other request on. Mount it at the application's root, before
 * anything that requires a token: the document is public.
 *
 * @example
 * ```ts
 * const resource = 'https://api.example.com/mcp'
 * const verifier = createVerifier({ issuer, audience: resource, resourceMetadata: resourceMetadataUrl(resource) })
 * app.use(protectedResourceMetadata({ verifier, resource, scopesSupported: ['tools:read'] }))
 * app.post('/mcp', authenticate({ verifier }), handler)
 * ```
 */
export function protectedResourceMetadata(options: ProtectedResourceMetadataOptions): ProtectedResourceMetadataHandler {
  const { verifier, ...fields } = options
  const metadata = resourceMetadataFor(fields, verifier)

  const handler = function tokenguardResourceMetadata(req: Request, res: Response, next: NextFunction): void {
    if (pathOf(req) !== metadata.path) return next()
    if (req.method === 'OPTIONS') {
      res.writeHead(204, RESOURCE_METADATA_PREFLIGHT_HEADERS).end()
      return undefined
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return next()
    res.writeHead(200, metadata.headers)
    res.end(req.method === 'HEAD' ? undefined : metadata.body)
    return undefined
  }
  return Object.assign(handler, { metadata })
}

/** The request's path as the client sent it, whatever router the handler is mounted in. */
function pathOf(req: Request): string {
  const target = req.originalUrl ?? req.url
  const queryStart = target.indexOf('?')
  return queryStart === -1 ? target : target.slice(0, queryStart)
}
