/**
 * The plugin's `protectedResourceMetadata` option: serves this API's RFC 9728 Protected Resource Metadata
 * at its path-aware well-known location (a public route), and makes every challenge advertise it in
 * `resource_metadata`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-5.1
 */
import { RESOURCE_METADATA_PREFLIGHT_HEADERS, resourceMetadataFor, type ResourceMetadataServingOptions, type Verifier } from '@tokenguard/core/adapter'
import type { FastifyInstance } from 'fastify'

/** The document's fields (RFC 9728 §2, camelCased), plus how long clients may cache it. */
export type FastifyResourceMetadataOptions = ResourceMetadataServingOptions

/** The plugin option that turns the metadata endpoint on. */
export interface ResourceMetadataPluginOptions {
  /**
   * Serve Protected Resource Metadata for `resource` at `/.well-known/oauth-protected-resource{path}`
   * (GET/HEAD, public, with a CORS preflight answer). `authorizationServers` defaults to the verifier's
   * issuers and the bearer methods to its extraction options. The verifier's challenges then carry
   * `resource_metadata="<url>"`: set automatically when the plugin creates the verifier, checked at
   * registration when a `verifier` is passed in. The route is registered where the plugin is: register it
   * without a prefix, the well-known location is absolute. Default is off.
   */
  protectedResourceMetadata?: FastifyResourceMetadataOptions | undefined
}

/** Registers the public metadata route; refuses a verifier whose challenges would not point at it. */
export function registerResourceMetadata(app: FastifyInstance, verifier: Verifier, options: FastifyResourceMetadataOptions): void {
  const metadata = resourceMetadataFor(options, verifier)
  // find-my-way reads ":" as a parameter; "::" is a literal colon.
  const url = metadata.path.replaceAll(':', '::')
  app.get(url, { config: { auth: false } }, async (_request, reply) => reply.headers(metadata.headers).send(metadata.body))
  app.options(url, { config: { auth: false } }, async (_request, reply) => {
    reply.code(204).headers(RESOURCE_METADATA_PREFLIGHT_HEADERS).send()
  })
}
