/**
 * A refusal as a Fetch API `Response`, for every adapter whose framework answers with one (the fetch
 * handler, Hono): the refusal's status, its `WWW-Authenticate` / `Retry-After` headers, and the JSON body
 * `{ error, error_description }` that the Express adapter sends; and the RFC 9728 metadata document.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
import type { TokenGuardError } from './errors.js'
import { RESOURCE_METADATA_PREFLIGHT_HEADERS, type ResourceMetadataResponse } from './resource-metadata.js'

/** The response that answers `error`. */
export function refusalResponse(error: TokenGuardError): Response {
  return new Response(JSON.stringify(error.body), { status: error.status, headers: { 'content-type': 'application/json; charset=utf-8', ...error.headers } })
}

/**
 * The answer to a request for the RFC 9728 metadata document: 200 with it (GET; HEAD without the body),
 * 204 to a CORS preflight, or `undefined` for any other method (the application's 405 or router).
 */
export function resourceMetadataWebResponse(metadata: Pick<ResourceMetadataResponse, 'body' | 'headers'>, method: string): Response | undefined {
  if (method === 'OPTIONS') return new Response(null, { status: 204, headers: RESOURCE_METADATA_PREFLIGHT_HEADERS })
  if (method !== 'GET' && method !== 'HEAD') return undefined
  return new Response(method === 'HEAD' ? null : metadata.body, { status: 200, headers: metadata.headers })
}
