/**
 * Example: an Express API protected by tokenguard.
 *
 *   ISSUER=https://id.example.com/ AUDIENCE=https://api.example.com node build/examples/express-api.js
 */
import { authenticate, isTokenGuardError, requireScopes } from '@tokenguard/express'
import express, { type NextFunction, type Request, type Response } from 'express'
import { pathToFileURL } from 'node:url'

export interface ApiOptions {
  issuer: string
  audience: string
  /** Plain-http issuer on 127.0.0.1 (the demo's); never in production. */
  allowInsecureHttp?: boolean
}

/** Builds the API: GET /health is public, GET /data needs read:data, POST /data needs write:data. */
export function createExpressApi({ issuer, audience, allowInsecureHttp }: ApiOptions) {
  const auth = authenticate({
    issuer,
    audience,
    allowInsecureHttp,
    realm: 'example-api',
    // The precise reason of each refusal is for the operator's logs, never for the client.
    onError: (error, req) => console.error(`[express] ${req.method} ${req.path} refused: ${error.reason}${error.detail ? ` (${error.detail})` : ''}`),
  })
  const app = express()
  app.get('/health', (_req, res) => void res.json({ ok: true }))
  app.get('/data', auth, requireScopes('read:data'), (req, res) => {
    res.json({ framework: 'express', items: ['alpha', 'beta'], client: req.auth?.claims.client_id })
  })
  app.post('/data', auth, requireScopes('write:data'), (req, res) => {
    res.status(201).json({ framework: 'express', created: true, client: req.auth?.claims.client_id })
  })
  // Optional: answer refusals as JSON. Without this handler Express' own final handler still answers
  // with the right status and WWW-Authenticate header (and an HTML body).
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!isTokenGuardError(error)) return next(error)
    res.status(error.status).set(error.headers).json({ error: error.code, error_description: error.message })
  })
  return { app, verifier: auth.verifier }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { app, verifier } = createExpressApi({ issuer: required('ISSUER'), audience: required('AUDIENCE') })
  await verifier.ready() // warm the key cache before accepting traffic
  const port = Number(process.env.PORT ?? 3000)
  app.listen(port, '127.0.0.1', () => console.log(`Express API on http://127.0.0.1:${port}`))
}

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`set ${name}`)
  return value
}
