/**
 * One introspection request (RFC 7662 §2.1): the token in a form POST to the configured endpoint, this
 * API's credentials, and the answer's HTTP outcome sorted into an outage (the authorization server is
 * down, slow or failing: try again later) or a misconfiguration (it refuses this API's own request:
 * retrying will not help, someone must fix the options). Neither is ever the token's fault.
 */
import { postForm, type PostedForm } from './fetch-json.js'
import type { ClientAuthentication } from './introspection-client-auth.js'

/** The media type of a signed introspection response (RFC 9701 §4). */
export const INTROSPECTION_JWT_TYPE = 'application/token-introspection+jwt'

/** Why an introspection got no usable answer. Messages name statuses and options, never credentials nor tokens. */
export class IntrospectionFault extends Error {
  override readonly name = 'IntrospectionFault'
  constructor(
    message: string,
    /** `true` when the endpoint refused this API's own request: the options or credentials are wrong. */
    readonly configuration: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** Where and how to ask. */
export interface IntrospectionRequestSettings {
  endpoint: string
  jwtResponse: boolean
  /** Total time budget in milliseconds, body included (the key fetches' `timeoutDuration`). */
  timeoutDuration: number
  /** Largest accepted answer in bytes (the key fetches' `maxResponseSize`). */
  maxResponseSize: number
  /** Extra request headers (`fetchHeaders`). */
  headers?: Record<string, string> | undefined
  allowInsecureHttp: boolean
  authenticate: ClientAuthentication
}

// RFC 7662 §2.3: 401 for bad client credentials; 400 and 403 are this API's request being refused too.
const REFUSED_REQUEST = new Set([400, 401, 403])

/** POSTs `token` and returns a 200 answer; anything else is an {@link IntrospectionFault}. */
export async function requestIntrospection(token: string, settings: IntrospectionRequestSettings): Promise<PostedForm> {
  const form = new URLSearchParams({ token, token_type_hint: 'access_token' })
  const headers: Record<string, string> = { ...settings.headers, accept: settings.jwtResponse ? INTROSPECTION_JWT_TYPE : 'application/json' }
  try {
    await settings.authenticate(form, headers)
  } catch (error) {
    // A private key jose cannot import or sign with: the options are wrong, not the server.
    throw new IntrospectionFault(`cannot sign the client assertion with introspection.privateKey: ${error instanceof Error ? error.message : String(error)}`, true)
  }
  let posted: PostedForm
  try {
    posted = await postForm(settings.endpoint, form, { timeoutDuration: settings.timeoutDuration, maxResponseSize: settings.maxResponseSize, headers, allowInsecureHttp: settings.allowInsecureHttp })
  } catch (error) {
    throw new IntrospectionFault(error instanceof Error ? error.message : String(error), false, { cause: error })
  }
  if (posted.status === 200) return posted
  if (posted.status >= 300 && posted.status < 400) {
    throw new IntrospectionFault(`the endpoint answered a redirect (HTTP ${posted.status}), which is never followed with a token: configure its final URL`, true)
  }
  if (REFUSED_REQUEST.has(posted.status)) {
    throw new IntrospectionFault(`the endpoint refused this API's request (HTTP ${posted.status}): check introspection.clientId, its credentials and clientAuth`, true)
  }
  throw new IntrospectionFault(`unexpected HTTP status ${posted.status}`, false)
}
