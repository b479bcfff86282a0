/**
 * A refusal as a Fetch API `Response`, for every adapter whose framework answers with one (the fetch
 * handler, Hono): the refusal's status, its `WWW-Authenticate` / `Retry-After` headers, and the JSON body
 * `{ error, error_description }` that the Express and Fastify adapters send.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
import type { TokenGuardError } from './errors.js'

/** The response that answers `error`. */
export function refusalResponse(error: TokenGuardError): Response {
  return new Response(JSON.stringify(error.body), { status: error.status, headers: { 'content-type': 'application/json; charset=utf-8', ...error.headers } })
}
