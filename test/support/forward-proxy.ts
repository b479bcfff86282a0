/**
 * A plain-HTTP forward proxy on 127.0.0.1, like the corporate proxy an API server may have to go through:
 * it takes absolute-form request targets (`GET http://host/path`, RFC 9112 §3.2.2), forwards them and
 * relays the answer, and records what passed through it.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ForwardProxy {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string
  /** Absolute URLs requested through the proxy, in order. */
  readonly forwarded: readonly string[]
  close(): Promise<void>
}

export async function startForwardProxy(): Promise<ForwardProxy> {
  const forwarded: string[] = []
  const server: Server = createServer((req, res) => {
    void (async () => {
      const target = req.url ?? ''
      if (!/^https?:\/\//.test(target)) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('absolute-form request target required')
        return
      }
      forwarded.push(target)
      try {
        const answer = await fetch(target, { method: req.method, headers: { accept: String(req.headers.accept ?? '*/*') }, redirect: 'manual' })
        const headers: Record<string, string> = {}
        answer.headers.forEach((value, name) => {
          if (name !== 'content-encoding' && name !== 'transfer-encoding' && name !== 'content-length') headers[name] = value
        })
        res.writeHead(answer.status, headers).end(Buffer.from(await answer.arrayBuffer()))
      } catch {
        res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway')
      }
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwarded,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
