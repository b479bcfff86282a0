/**
 * A `fetch` for the `fetch` option written the way applications write one when the global fetch will not
 * do: on node:http / node:https, through a forward proxy (absolute-form request target, RFC 9112 §3.2.2)
 * or trusting a private CA. Its responses carry the Node stream as `body`, as node-fetch's do, so the
 * tests also cover bodies that are async iterables rather than web streams.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { FetchFunction, FetchResponse } from '@tokenguard/core'

export interface NodeFetchOptions {
  /** `http://127.0.0.1:PORT` of a forward proxy every request goes through (http targets only). */
  proxy?: string
  /** PEM certificates to trust for https targets (instead of the system store). */
  ca?: string
}

/** Builds the fetch. It honours `init.signal` and `init.headers`, and never follows redirects. */
export function nodeFetch(options: NodeFetchOptions = {}): FetchFunction {
  return (url, init) =>
    new Promise<FetchResponse>((resolve, reject) => {
      const target = new URL(url)
      const proxy = options.proxy === undefined ? undefined : new URL(options.proxy)
      const send = target.protocol === 'https:' && proxy === undefined ? httpsRequest : httpRequest
      const request = send(
        {
          method: init.method,
          host: proxy?.hostname ?? target.hostname,
          port: proxy?.port ?? target.port,
          path: proxy === undefined ? `${target.pathname}${target.search}` : target.href,
          headers: { ...init.headers, host: target.host },
          signal: init.signal,
          ...(options.ca === undefined ? {} : { ca: options.ca }),
        },
        (response) => resolve(asFetchResponse(response)),
      )
      request.on('error', reject)
      request.end()
    })
}

function asFetchResponse(response: IncomingMessage): FetchResponse {
  return {
    status: response.statusCode ?? 0,
    headers: {
      get(name) {
        const value = response.headers[name.toLowerCase()]
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
      },
    },
    body: response,
    redirected: false,
  }
}
