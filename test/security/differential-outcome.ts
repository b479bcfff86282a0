/**
 * One input through one engine, and what counts as two engines agreeing on it. Agreement is about the
 * decision: both accept with deep-equal payload and protected header and the very same key object (the
 * resolver's return), or both refuse with the same error class and `code` (and `claim` and `reason` for a
 * claim error), and both read the token alike without verifying it. How often the key resolver was asked and the error message are recorded too: a difference
 * there is reported as a note (it changes refetch pressure or the operator's detail text, not the decision).
 */
import type { JWTVerifyGetKey, JWTVerifyOptions } from 'jose'
import type { Engine, VerifyJwt } from './differential-engines.js'

/** What is verified: the token, the key (a resolver as tokenguard's key sources give, or a key) and jose's options. */
export interface Subject {
  token: string
  key: JWTVerifyGetKey | Exclude<Parameters<VerifyJwt>[1], JWTVerifyGetKey>
  options: JWTVerifyOptions
}

/** Which way the engine went, by its own counters: native signature step, handed to jose, or neither (refused by the resolver). */
export type Route = 'native' | 'jose' | 'neither' | 'uncounted'

export interface Refusal {
  /** The error's class name (jose's `errors.*`, or a TypeError for a key jose cannot use). */
  name: string
  constructor: unknown
  code: string | undefined
  claim: string | undefined
  reason: string | undefined
  message: string
}

/** What the engine's `decodeUnverified` read from the token, when the engine has one (`undefined` inside: unreadable). */
export type Reading = { read: { header: object; payload: object } | undefined } | undefined

export type Outcome =
  | { accepted: true; payload: unknown; protectedHeader: unknown; key: unknown; lookups: number; route: Route; reading: Reading }
  | { accepted: false; refusal: Refusal; lookups: number; route: Route; reading: Reading }

function refusalOf(error: unknown): Refusal {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; claim?: unknown; reason?: unknown; message?: unknown }
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined)
  return {
    name: error instanceof Error ? error.constructor.name : typeof error,
    constructor: error instanceof Error ? error.constructor : undefined,
    code: text(fields.code),
    claim: text(fields.claim),
    reason: text(fields.reason),
    message: text(fields.message) ?? String(error),
  }
}

function routeOf(engine: Engine, before: { native: number; jose: number } | undefined): Route {
  if (engine.routes === undefined || before === undefined) return 'uncounted'
  const native = engine.routes.native - before.native
  const jose = engine.routes.jose - before.jose
  if (native + jose > 1) throw new Error(`${engine.name}: one call counted ${native} native and ${jose} handed over (calls must run one at a time)`)
  return native === 1 ? 'native' : jose === 1 ? 'jose' : 'neither'
}

/** Runs `subject` through `engine`, counting the resolver's calls. Calls must not overlap (the route is a counter delta). */
export async function outcomeOf(engine: Engine, subject: Subject): Promise<Outcome> {
  let lookups = 0
  const key = typeof subject.key === 'function'
    ? ((...args: Parameters<JWTVerifyGetKey>) => { lookups++; return (subject.key as JWTVerifyGetKey)(...args) }) as JWTVerifyGetKey
    : subject.key
  const reading: Reading = engine.decodeUnverified === undefined ? undefined : { read: engine.decodeUnverified(subject.token) }
  const before = engine.routes === undefined ? undefined : { ...engine.routes }
  try {
    const result = await engine.verifyJwt(subject.token, key as JWTVerifyGetKey, subject.options)
    return { accepted: true, payload: result.payload, protectedHeader: result.protectedHeader, key: (result as { key?: unknown }).key, lookups, route: routeOf(engine, before), reading }
  } catch (error) {
    return { accepted: false, refusal: refusalOf(error), lookups, route: routeOf(engine, before), reading }
  }
}

/**
 * Why two outcomes disagree on the decision, or `undefined` when they agree. The unverified readings count
 * too: the issuer pre-check and multi-issuer selection decide on them.
 */
export function disagreement(a: Outcome, b: Outcome): string | undefined {
  if (a.reading !== undefined && b.reading !== undefined && !sameJson(a.reading.read, b.reading.read)) {
    return `decodeUnverified differs: ${JSON.stringify(a.reading.read)} vs ${JSON.stringify(b.reading.read)}`
  }
  if (a.accepted !== b.accepted) return `${a.accepted ? 'accepted' : `refused (${describeRefusal(a.refusal)})`} vs ${b.accepted ? 'accepted' : `refused (${describeRefusal(b.refusal)})`}`
  if (a.accepted && b.accepted) {
    if (!sameJson(a.payload, b.payload)) return `both accepted, payloads differ: ${JSON.stringify(a.payload)} vs ${JSON.stringify(b.payload)}`
    if (!sameJson(a.protectedHeader, b.protectedHeader)) return `both accepted, headers differ: ${JSON.stringify(a.protectedHeader)} vs ${JSON.stringify(b.protectedHeader)}`
    if (a.key !== b.key) return 'both accepted, with different key objects'
    return undefined
  }
  const [x, y] = [(a as { refusal: Refusal }).refusal, (b as { refusal: Refusal }).refusal]
  if (x.constructor !== y.constructor || x.name !== y.name || x.code !== y.code || x.claim !== y.claim || x.reason !== y.reason) {
    return `refused differently: ${describeRefusal(x)} vs ${describeRefusal(y)}`
  }
  return undefined
}

/**
 * Deep equality of parsed JSON (key order aside), without recursion: the corpus holds payloads nested
 * deeper than a recursive comparison's stack allows.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  const pending: Array<[unknown, unknown]> = [[a, b]]
  while (pending.length > 0) {
    const [x, y] = pending.pop()!
    if (Object.is(x, y)) continue
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false
    if (Array.isArray(x) !== Array.isArray(y) || Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return false
    const keys = Object.keys(x)
    if (keys.length !== Object.keys(y).length) return false
    for (const key of keys) {
      if (!Object.hasOwn(y, key)) return false
      pending.push([(x as Record<string, unknown>)[key], (y as Record<string, unknown>)[key]])
    }
  }
  return true
}

/** Differences that do not change the decision: how often the resolver was asked, and the message. */
export function notes(a: Outcome, b: Outcome): string[] {
  const found: string[] = []
  if (a.lookups !== b.lookups) found.push(`key lookups ${a.lookups} vs ${b.lookups}`)
  if (!a.accepted && !b.accepted && a.refusal.message !== b.refusal.message) found.push(`message ${JSON.stringify(a.refusal.message)} vs ${JSON.stringify(b.refusal.message)}`)
  return found
}

export function describeRefusal(refusal: Refusal): string {
  const claim = refusal.claim === undefined ? '' : ` claim ${refusal.claim} ${refusal.reason}`
  return `${refusal.name} ${refusal.code ?? '(no code)'}${claim}: ${refusal.message}`
}

/** A one-line summary of an outcome (for the decision-level comparison and reports). */
export function describeOutcome(outcome: Outcome): string {
  return outcome.accepted ? 'accepted' : `refused ${describeRefusal(outcome.refusal)}`
}
