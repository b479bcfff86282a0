/**
 * Where opaque tokens are introspected: the configured endpoint, or the issuer metadata's
 * `introspection_endpoint` (RFC 8414 §2), discovered once, single flight, and looked up again after a
 * failure. Only the configured issuer's metadata is ever read: no token can name an endpoint.
 */
import { discover } from './discovery.js'
import { emit, type KeySourceEventListener } from './events.js'
import type { FetchJsonOptions } from './fetch-json.js'

/** Resolves the endpoint; rejects with a `FetchJsonError` when discovery fails. */
export type EndpointResolver = () => Promise<string>

export function endpointResolver(issuer: string, configured: string | undefined, fetchOptions: FetchJsonOptions, onEvent: KeySourceEventListener | undefined): EndpointResolver {
  if (configured !== undefined) return () => Promise.resolve(configured)
  let found: string | undefined
  let inflight: Promise<string> | undefined
  const lookUp = async (): Promise<string> => {
    const metadata = await discover(issuer, fetchOptions, 'introspection_endpoint')
    found = metadata.introspection_endpoint!
    emit(onEvent, { type: 'introspection_discovered', issuer, endpoint: found })
    return found
  }
  return () => {
    if (found !== undefined) return Promise.resolve(found)
    inflight ??= lookUp().finally(() => {
      inflight = undefined
    })
    return inflight
  }
}
