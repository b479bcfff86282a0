/**
 * A Fetch API handler served by `node:http` for tests: each request becomes a `Request` (absolute URL from
 * the listening address, headers, a streamed body), and the `Response` is written back as it is.
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'

export async function serveFetch(handler: (request: Request) => Promise<Response>): Promise<Server> {
  const server = createServer((req, res) => {
    handler(toRequest(req, server))
      .then((response) => send(response, res))
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
        res.end(String(error))
      })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return server
}

function toRequest(req: IncomingMessage, server: Server): Request {
  const { port } = server.address() as AddressInfo
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers }
  if (hasBody) Object.assign(init, { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' })
  return new Request(`http://127.0.0.1:${port}${req.url ?? '/'}`, init)
}

async function send(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  const setCookies = response.headers.getSetCookie()
  if (setCookies.length > 0) headers['set-cookie'] = setCookies
  res.writeHead(response.status, headers)
  if (response.body === null) return void res.end()
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk)
  res.end()
}
