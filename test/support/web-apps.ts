/**
 * The contract's API (see `apps.ts`) on the two Fetch API adapters, `@tokenguard/fetch` and
 * `@tokenguard/hono`. Runtime-neutral on purpose: the same module runs on Node (through a `node:http`
 * bridge or `@hono/node-server`), on Bun, on Deno and, bundled, on workerd.
 */
import { createVerifier, SIGNATURE_ENGINE, type TokenGuardError, type Verifier, type VerifierOptions } from '@tokenguard/core'
import { protect, type Requirement } from '@tokenguard/fetch'
import { requireAnyScope, requireClaim, requireScopes, tokenguard } from '@tokenguard/hono'
import { Hono } from 'hono'

export type FetchHandler = (request: Request) => Promise<Response>
export type OnRefusal = (error: TokenGuardError) => void
export type WebAppKind = 'fetch' | 'hono'

/** What the handlers answer: the token's subject, client and scopes, or `{ anonymous: true }`. */
export function payload(auth: { claims: Record<string, unknown>; scopes: ReadonlySet<string> } | null | undefined) {
  return auth ? { sub: auth.claims.sub, client_id: auth.claims.client_id, scopes: [...auth.scopes].sort() } : { anonymous: true }
}

/** The API as plain Fetch API handlers: one `protect()` per route, behind a table of routes. */
export function fetchApp(verifier: Verifier, onError: OnRefusal): FetchHandler {
  const guarded = (route: string, requirement: Requirement) => protect({ verifier, onError, route }, requirement, async (_request, auth) => Response.json(payload(auth)))
  const routes = new Map<string, FetchHandler>([
    ['GET /public', async () => Response.json({ public: true })],
    ['GET /data', guarded('/data', { scopes: ['read:data'] })],
    ['POST /data', guarded('/data', { scopes: ['write:data'] })],
    ['GET /any', guarded('/any', { anyScopes: ['read:data', 'admin'] })],
    ['GET /maybe', guarded('/maybe', { optional: true })],
    ['GET /client', guarded('/client', { claims: { client_id: 'read-write-client' } })],
    ['POST /form', guarded('/form', undefined)],
    ['GET /whoami', guarded('/whoami', undefined)],
  ])
  return async (request) => {
    const handler = routes.get(`${request.method} ${new URL(request.url).pathname}`)
    return handler === undefined ? new Response('not found', { status: 404 }) : handler(request)
  }
}

/** The API on Hono: one `tokenguard()` per kind of route, then the guards. */
export function honoApp(verifier: Verifier, onError: OnRefusal): Hono {
  const auth = tokenguard({ verifier, onError })
  const maybe = tokenguard({ verifier, optional: true, onError })
  const app = new Hono()
  app.get('/public', (c) => c.json({ public: true }))
  app.get('/data', auth, requireScopes('read:data'), (c) => c.json(payload(c.get('auth'))))
  app.post('/data', auth, requireScopes('write:data'), (c) => c.json(payload(c.get('auth'))))
  app.get('/any', auth, requireAnyScope('read:data', 'admin'), (c) => c.json(payload(c.get('auth'))))
  app.get('/maybe', maybe, (c) => c.json(payload(c.get('auth'))))
  app.get('/client', auth, requireClaim('client_id', 'read-write-client'), (c) => c.json(payload(c.get('auth'))))
  app.post('/form', auth, (c) => c.json(payload(c.get('auth'))))
  app.get('/whoami', auth, (c) => c.json(payload(c.get('auth'))))
  return app
}

/** Configuration of a contract app in another runtime, passed as JSON (an environment variable or a binding). */
export interface RuntimeAppConfig {
  kind: WebAppKind
  options: VerifierOptions
}

/** Path where a runtime app lists the refusals it reported, for the test process to read. */
export const REFUSALS_PATH = '/__refusals'

/** Path where a runtime app names the signature engine core chose on it (`SIGNATURE_ENGINE`). */
export const ENGINE_PATH = '/__engine'

/** The app a runtime serves: the contract's routes plus {@link REFUSALS_PATH} and {@link ENGINE_PATH}. */
export function runtimeApp(config: RuntimeAppConfig): FetchHandler {
  const refusals: Array<{ reason: string; status: number }> = []
  const onError: OnRefusal = (error) => void refusals.push({ reason: error.reason, status: error.status })
  const verifier = createVerifier(config.options)
  const app = config.kind === 'hono' ? honoHandler(honoApp(verifier, onError)) : fetchApp(verifier, onError)
  return async (request) => {
    const { pathname } = new URL(request.url)
    if (pathname === REFUSALS_PATH) return Response.json(refusals)
    if (pathname === ENGINE_PATH) return Response.json({ engine: SIGNATURE_ENGINE })
    return app(request)
  }
}

function honoHandler(app: Hono): FetchHandler {
  return async (request) => app.fetch(request)
}
