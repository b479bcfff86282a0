/**
 * A fetch that presents a TLS client certificate (RFC 8705 §2: mutual-TLS client authentication and
 * certificate-bound tokens), for the token endpoint and API calls alike: give it as the client's `fetch`.
 * Built on `node:https` with one keep-alive agent holding the certificate; the Fetch API types in and out.
 */
import { Agent, request as httpsRequest } from 'node:https'
import { Readable } from 'node:stream'
import type { FetchLike } from './http.js'

/** The client certificate and what to trust. PEM strings or Buffers, as `node:tls` takes them. */
export interface MtlsFetchOptions {
  /** The client certificate (chain). Required. */
  cert: string | Buffer
  /** Its private key. Required. */
  key: string | Buffer
  /** Passphrase of an encrypted `key`. Default is none. */
  passphrase?: string | undefined
  /** CA certificates to trust for the servers, instead of Node's defaults. Default is Node's. */
  ca?: string | Buffer | ReadonlyArray<string | Buffer> | undefined
  /** Most sockets kept open per origin. Default is 10. */
  maxSockets?: number | undefined
}

const NO_BODY_STATUS = new Set([101, 103, 204, 205, 304])

/**
 * A `fetch` for https URLs that authenticates with the client certificate. Redirects are not followed (the
 * token client asks for `redirect: 'manual'` anyway).
 *
 * @example
 * ```ts
 * const client = createTokenClient({ issuer, clientId, clientSecret, fetch: mtlsFetch({ cert, key }) })
 * ```
 */
export function mtlsFetch(options: MtlsFetchOptions): FetchLike {
  if (typeof options !== 'object' || options === null || options.cert === undefined || options.key === undefined) throw new TypeError('mtlsFetch needs { cert, key }')
  const agent = new Agent({ cert: options.cert, key: options.key, passphrase: options.passphrase, ca: options.ca as string[] | undefined, keepAlive: true, maxSockets: options.maxSockets ?? 10 })
  return async (input, init) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    if (url.protocol !== 'https:') throw new TypeError(`mtlsFetch: ${url.origin} is not https (a client certificate needs TLS)`)
    const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer())
    return new Promise<Response>((resolve, reject) => {
      const outgoing = httpsRequest(url, { method: request.method, headers: Object.fromEntries(request.headers), agent, signal: request.signal }, (incoming) => {
        const headers = new Headers()
        for (let i = 0; i < incoming.rawHeaders.length; i += 2) headers.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!)
        const status = incoming.statusCode ?? 0
        const hasBody = !NO_BODY_STATUS.has(status) && request.method !== 'HEAD'
        if (!hasBody) incoming.resume()
        resolve(new Response(hasBody ? (Readable.toWeb(incoming) as ReadableStream<Uint8Array>) : null, { status, statusText: incoming.statusMessage ?? '', headers }))
      })
      outgoing.on('error', reject)
      outgoing.end(body)
    })
  }
}
