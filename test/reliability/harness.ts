/**
 * What every reliability scenario runs against: one set of verifier options, used through core
 * (`verifier.verify`) and through each adapter over real HTTP, with a real key server on 127.0.0.1 as the
 * identity provider and the key source's events recorded in order.
 *
 * Keys are ES256: generating one takes a millisecond where RSA takes a hundred, and scenarios start many
 * key servers.
 */
import { describe } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createVerifier, isTokenGuardError, type KeySourceEvent, type Verifier, type VerifierOptions } from '@tokenguard/core'
import { ADAPTERS, type AppFactory } from '../support/apps.js'
import { generateSigningKey, startKeyServer, TEST_AUDIENCE, type Gate, type KeyServer, type SigningKey } from '../support/key-server.js'

export { sleep }

/** What a caller saw: the status and the response headers (lower-case names). */
export interface Outcome {
  status: number
  headers: Record<string, string>
}

export interface Refusal {
  reason: string
  status: number
}

/** One way of asking "is this token good?": core directly, or an adapter over HTTP. */
export interface Target {
  readonly name: string
  readonly verifier: Verifier
  /** Refusals as the operator sees them (core: the thrown error; adapters: their error hooks). */
  readonly refusals: Refusal[]
  /** Presents `token` as a bearer token to a route that needs any valid token. */
  call(token: string): Promise<Outcome>
  /** Calls that reached the target (core: verify() started; HTTP: the app received the request) and are not answered yet. */
  inFlight(): number
  close(): Promise<void>
}

export type TargetFactory = (options: VerifierOptions) => Promise<Target>

async function startCore(options: VerifierOptions): Promise<Target> {
  const verifier = createVerifier(options)
  const refusals: Refusal[] = []
  let inFlight = 0
  return {
    name: 'core',
    verifier,
    refusals,
    inFlight: () => inFlight,
    async call(token) {
      inFlight++
      try {
        await verifier.verify(token)
        return { status: 200, headers: {} }
      } catch (error) {
        if (!isTokenGuardError(error)) throw error
        refusals.push({ reason: error.reason, status: error.status })
        return { status: error.status, headers: lowerCased(Object.entries(error.headers)) }
      } finally {
        inFlight--
      }
    },
    close: async () => undefined,
  }
}

function overHttp(name: string, start: AppFactory): TargetFactory {
  return async (options) => {
    const app = await start(options)
    return {
      name,
      verifier: app.verifier,
      refusals: app.refusals,
      inFlight: () => app.inFlight(),
      async call(token) {
        const response = await fetch(`${app.url}/whoami`, { headers: { authorization: `Bearer ${token}` } }).catch((error: unknown) => {
          // undici says only 'fetch failed'; the cause (e.g. ECONNRESET, 'other side closed') is what explains it
          throw new Error(`${name}: GET /whoami failed: ${describeCause(error)}`, { cause: error })
        })
        await response.arrayBuffer()
        return { status: response.status, headers: lowerCased(response.headers.entries()) }
      },
      close: () => app.close(),
    }
  }
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  return [String((error as Error).message ?? error), cause?.code, cause?.message].filter(Boolean).join(' / ')
}

function lowerCased(entries: Iterable<[string, string]>): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of entries) headers[name.toLowerCase()] = value
  return headers
}

// The scenarios here are about the key source and wait for time to pass, side by side: each adapter added
// is more timed work competing for two cores. Hono, NestJS and the fetch handler translate the same decision,
// and meet the key source's caching and outages in the contract table (test/adapters/contract-table.ts).
const KEY_SOURCE_ADAPTERS = new Set(['express5', 'express4', 'fastify', 'node-http'])

/** Core first, then Express 5, Express 4, Fastify and the node:http example: the one table every HTTP-facing scenario runs over. */
export const TARGETS: ReadonlyArray<{ name: string; start: TargetFactory }> = [
  { name: 'core', start: startCore },
  ...ADAPTERS.filter((adapter) => KEY_SOURCE_ADAPTERS.has(adapter.name)).map((adapter) => ({ name: adapter.name, start: overHttp(adapter.name, adapter.start) })),
]

/**
 * Defines the same scenario once per target, the targets side by side: the scenarios mostly wait for time
 * to pass, and each target has its own key server, so they do not disturb one another.
 */
export function acrossTargets(title: string, define: (target: (typeof TARGETS)[number]) => void, concurrency = true): void {
  describe(title, { concurrency }, () => {
    for (const target of TARGETS) describe(target.name, () => define(target))
  })
}

/** The core target alone, for scenarios about the key source itself rather than HTTP answers. */
export const CORE = TARGETS[0]!

/** Key source events in the order they were emitted, each with the time it was received. */
export class EventLog {
  readonly entries: Array<{ at: number; event: KeySourceEvent }> = []
  readonly onEvent = (event: KeySourceEvent): void => void this.entries.push({ at: Date.now(), event })

  of<T extends KeySourceEvent['type']>(type: T): Array<Extract<KeySourceEvent, { type: T }>> {
    return this.entries.map((entry) => entry.event).filter((event): event is Extract<KeySourceEvent, { type: T }> => event.type === type)
  }

  /** Event types in order, e.g. to assert a sequence. */
  types(): string[] {
    return this.entries.map((entry) => entry.event.type)
  }
}

/**
 * Small durations so that the suite runs in seconds: each scenario overrides what it is about.
 * cacheMaxAge is long so that no refresh happens unless a scenario asks for one. timeoutDuration is the
 * option's maximum: a scenario that is not about the timeout must not meet it (the timeout scenarios and
 * the hanging failure mode set their own). The timer runs on the event loop, which a loaded machine starves:
 * with 2 s, last-known-good's 90 side-by-side scenarios saw healthy cold fetches end in 'timed out after
 * 2000 ms' (503 instead of 200) and the 2 MB body time out before its byte limit was reached.
 */
export const FAST: Partial<VerifierOptions> = Object.freeze({ cacheMaxAge: 60_000, cooldownDuration: '200ms', retryDelay: '50ms', timeoutDuration: 60_000 })

/** A key server, a target in front of it, and the events of the target's key source. */
export interface Rig {
  server: KeyServer
  target: Target
  log: EventLog
  /** The key the server signs with (its first published key). */
  key: SigningKey
  close(): Promise<void>
}

/** Starts a key server with one ES256 key and a target configured by discovery from it. */
export async function rig(start: TargetFactory, overrides: Partial<VerifierOptions> = {}): Promise<Rig> {
  const key = await generateSigningKey('ES256')
  const server = await startKeyServer({ keys: [key] })
  const log = new EventLog()
  let target: Target
  try {
    target = await start({ issuer: server.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, ...FAST, onEvent: log.onEvent, ...overrides })
  } catch (error) {
    // A refused configuration must fail the test, not leave a key server keeping the test file alive.
    await server.close()
    throw error
  }
  return {
    server,
    target,
    log,
    key,
    async close() {
      await target.close()
      await server.close()
    },
  }
}

/** A correctly signed token whose `kid` is not in the key server's set. */
export async function tokenWithUnknownKid(server: KeyServer, kid = `unknown-${Math.random().toString(36).slice(2)}`): Promise<string> {
  strangerKey ??= generateSigningKey('ES256', 'stranger')
  return server.mint({}, { key: await strangerKey, header: { kid } })
}
let strangerKey: Promise<SigningKey> | undefined

/** Runs `count` calls of `task` at once. */
export function burst<T>(count: number, task: (index: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => task(index)))
}

/** Runs `count` calls of `task`, at most `width` at a time. */
export async function flood<T>(count: number, width: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count)
  let next = 0
  const lane = async (): Promise<void> => {
    for (let index = next++; index < count; index = next++) results[index] = await task(index)
  }
  await Promise.all(Array.from({ length: Math.min(width, count) }, lane))
  return results
}

/**
 * Runs `count` calls of `task` at once while the key server holds its answers (`gate`), and opens the gate
 * only once all `count` calls are in flight at the target: however slowly a loaded machine delivers them,
 * every call is waiting on the same fetch before that fetch can complete.
 */
export async function gatedBurst<T>(target: Target, gate: Gate, count: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const calls = burst(count, task)
  calls.catch(() => undefined) // awaited below; a failure must not be reported as unhandled meanwhile
  try {
    await until(() => target.inFlight() === count, `${count} calls in flight at ${target.name}`, 60_000)
  } finally {
    gate.open() // also on failure: the held calls must end
  }
  return calls
}

/** Status code → how many outcomes had it, e.g. `{ 200: 100 }`. */
export function tally(outcomes: readonly Outcome[]): Record<number, number> {
  const counts: Record<number, number> = {}
  for (const { status } of outcomes) counts[status] = (counts[status] ?? 0) + 1
  return counts
}

/** Waits until the epoch-millisecond instant `at`. */
export function sleepUntil(at: number): Promise<void> {
  return sleep(Math.max(0, at - Date.now()))
}

/**
 * Polls `condition` every 10 ms; fails after `timeoutMs` (bounded: a broken scenario must not hang the suite).
 * The bound is on the monotonic clock, so that it holds while a scenario has Date frozen.
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 4000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(10)
  }
}

/** The refusals a target recorded while `run` ran (exact when `run` makes sequential calls). */
export async function refusalsDuring<T>(target: Target, run: () => Promise<T>): Promise<{ result: T; refusals: Refusal[] }> {
  const before = target.refusals.length
  const result = await run()
  return { result, refusals: target.refusals.slice(before) }
}

/** When the key set in use stops being fresh (epoch ms), or fails if there is none. */
export function freshUntil(target: Target): number {
  const snapshot = target.verifier.keySource.export()
  if (snapshot === undefined) throw new Error(`${target.name}: no key set to read the freshness of`)
  return snapshot.freshUntil
}

/** When the key set in use was fetched (epoch ms). */
export function fetchedAt(target: Target): number {
  const snapshot = target.verifier.keySource.export()
  if (snapshot === undefined) throw new Error(`${target.name}: no key set`)
  return snapshot.fetchedAt
}
