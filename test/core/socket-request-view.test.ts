/**
 * The Node adapters' request view reads the framework's request only when core asks (on Node 20 and 22 every
 * property read of an Express `req` misses V8's inline caches, see `socket-request-view.ts`): a cached token
 * on a plain route reads the headers and nothing else. The route and the peer's address are remembered as
 * they were while deciding, also for a decision reported when the response closes.
 */
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { describe, test } from 'node:test'
import { createVerifier, type DecisionEvent } from '@tokenguard/core'
import { decideHeld, SocketRequestView, type NodeRequestReader } from '@tokenguard/core/adapter'
import { SignJWT } from 'jose'

const ISSUER = 'https://id.view.test/'
const AUDIENCE = 'https://api.view.test'
const SECRET = 'view-test-secret-view-test-secret-0123'

const mint = (claims: Record<string, unknown> = {}) =>
  new SignJWT({ scope: 'read:data', ...claims }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(SECRET))

interface FakeRequest {
  method: string
  url: string
  route: string | undefined
  headers: Record<string, string>
  rawHeaders: string[]
  socket: { remoteAddress: string | undefined; encrypted: boolean }
}

function fakeRequest(token: string): FakeRequest {
  return {
    method: 'GET',
    url: '/items/1',
    route: '/items/:id',
    headers: { authorization: `Bearer ${token}`, 'user-agent': 'view-test' },
    rawHeaders: ['Authorization', `Bearer ${token}`, 'User-Agent', 'view-test'],
    socket: { remoteAddress: '198.51.100.7', encrypted: false },
  }
}

/** A reader that counts what the view asked for. */
function countingReader(): { reader: NodeRequestReader<FakeRequest>; reads: Record<string, number> } {
  const reads: Record<string, number> = {}
  const counted = <T>(name: string, read: (request: FakeRequest) => T) => (request: FakeRequest) => {
    reads[name] = (reads[name] ?? 0) + 1
    return read(request)
  }
  const reader: NodeRequestReader<FakeRequest> = {
    method: counted('method', (request) => request.method),
    url: counted('url', (request) => request.url),
    message: counted('message', (request) => request),
    body: counted('body', () => undefined),
    socket: counted('socket', (request) => request.socket),
    route: counted('route', (request) => request.route),
  }
  return { reader, reads }
}

const verifierOptions = { issuer: ISSUER, audience: AUDIENCE, secret: SECRET, algorithms: ['HS256'] }

describe('SocketRequestView', () => {
  test('a cached token on a plain route reads the headers once, and nothing else of the request', async () => {
    const verifier = createVerifier(verifierOptions)
    const requirement = verifier.requirement({ scopes: ['read:data'] })
    const token = await mint()
    const { reader } = countingReader()
    // Stored on its second full check: two decisions before the measured one.
    for (let warm = 0; warm < 2; warm++) assert.equal((await verifier.decide(new SocketRequestView(fakeRequest(token), reader), requirement)).outcome, 'accepted')
    const counting = countingReader()
    const decision = verifier.decide(new SocketRequestView(fakeRequest(token), counting.reader), requirement)
    assert.ok(!(decision instanceof Promise), 'the third decision is a cache hit')
    assert.equal(decision.outcome, 'accepted')
    assert.deepEqual(counting.reads, { message: 1 })
  })

  test('the route and the peer address are the ones first read; method and URL are read live', () => {
    const request = fakeRequest('x')
    const { reader, reads } = countingReader()
    const view = new SocketRequestView(request, reader)
    assert.equal(view.route, '/items/:id')
    assert.equal(view.remoteAddress, '198.51.100.7')
    request.route = '/other'
    request.socket.remoteAddress = undefined
    request.method = 'POST'
    assert.equal(view.route, '/items/:id')
    assert.equal(view.remoteAddress, '198.51.100.7')
    assert.equal(view.method, 'POST')
    assert.equal(view.encrypted, false)
    assert.equal(reads.route, 1)
  })

  test('without a route reader, the view shows the route it was made with', () => {
    const { reader } = countingReader()
    const { route: _route, ...withoutRoute } = reader
    assert.equal(new SocketRequestView(fakeRequest('x'), withoutRoute, '/given').route, '/given')
    assert.equal(new SocketRequestView(fakeRequest('x'), withoutRoute).route, undefined)
  })

  test('the six-argument form of earlier releases is refused with the new form named', () => {
    const oldForm = () => new (SocketRequestView as unknown as new (...args: unknown[]) => unknown)('GET', '/', { headers: {} }, undefined, '/', undefined)
    assert.throws(oldForm, (error: Error) => error instanceof TypeError && /new SocketRequestView\(request, reader, route\?\)/.test(error.message) && /nodeRequestReader/.test(error.message))
  })

  test('a repeated Authorization header is shown as both values (core refuses it)', async () => {
    const verifier = createVerifier(verifierOptions)
    const request = fakeRequest(await mint())
    request.rawHeaders.push('authorization', 'Bearer second')
    const decision = await verifier.decide(new SocketRequestView(request, countingReader().reader))
    assert.equal(decision.outcome, 'refused')
    assert.equal(decision.outcome === 'refused' && decision.error.status, 400)
  })

  test('a decision held until the response closes reports the address the socket had while deciding', async () => {
    const events: DecisionEvent[] = []
    const verifier = createVerifier({ ...verifierOptions, audit: (event) => void events.push(event) })
    const request = fakeRequest(await mint({ client_id: 'held-client' }))
    const response = new EventEmitter()
    const key = {}
    const decision = await decideHeld(verifier, new SocketRequestView(request, countingReader().reader), verifier.requirement(), key, response)
    assert.equal(decision.outcome, 'accepted')
    assert.equal(events.length, 0, 'held until the response closes')
    // By then a closed socket may have forgotten its peer, and the request may show another route.
    request.socket.remoteAddress = undefined
    request.route = '/changed'
    response.emit('close')
    assert.equal(events.length, 1)
    assert.equal(events[0]!.remoteAddress, '198.51.100.7')
    assert.equal(events[0]!.route, '/items/:id')
    assert.equal(events[0]!.client_id, 'held-client')
  })
})
