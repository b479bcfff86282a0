/**
 * What a token claims about itself, read before (or without) verification, for two purposes only: to pick
 * or pre-check the issuer without touching keys, and to tell the operator the values a refusal compared.
 * Nothing read here is trusted, and neither the token nor its signature is ever part of it.
 */
import type { JWTPayload, ProtectedHeaderParameters } from 'jose'
import { decodeUnverified } from '#jwt-verify'

/** The unverified values a refusal is explained with (strings bounded, arrays shortened). */
export interface TokenFacts {
  iss?: string
  aud?: string | string[]
  kid?: string
  alg?: string
  client_id?: string
  exp?: number
  nbf?: number
  iat?: number
  /** The verifier's clock when the token was refused, epoch seconds. */
  now: number
}

/** Reads a compact JWS's header and payload without verifying anything; `undefined` when it cannot be read. */
export function readUnverified(token: string): { header: ProtectedHeaderParameters; payload: JWTPayload } | undefined {
  return decodeUnverified(token)
}

/** The facts of `token` for the operator, or just the clock when it cannot be read. */
export function factsOf(token: string, now: number = Math.floor(Date.now() / 1000)): TokenFacts {
  const read = readUnverified(token)
  return read === undefined ? { now } : factsOfClaims(read.payload, now, read.header)
}

/** The facts in a token's claims (or an introspection answer, which has no header) for the operator. */
export function factsOfClaims(payload: Readonly<Record<string, unknown>>, now: number, header: Readonly<Record<string, unknown>> = {}): TokenFacts {
  const facts: TokenFacts = { now }
  setString(facts, 'iss', payload.iss)
  setString(facts, 'kid', header.kid)
  setString(facts, 'alg', header.alg)
  setString(facts, 'client_id', payload.client_id)
  if (typeof payload.aud === 'string') facts.aud = bounded(payload.aud)
  else if (Array.isArray(payload.aud)) facts.aud = payload.aud.slice(0, MAX_LIST).map(audienceFact)
  for (const name of ['exp', 'nbf', 'iat'] as const) if (typeof payload[name] === 'number') facts[name] = payload[name]
  return facts
}

/** One line for logs: `iss="…" aud="…" kid="…" client_id="…" exp=… nbf=… now=…`. */
export function formatFacts(facts: TokenFacts): string {
  return Object.entries(facts)
    .map(([name, value]) => `${name}=${typeof value === 'number' ? value : JSON.stringify(value)}`)
    .join(' ')
}

const MAX_LENGTH = 200
const MAX_LIST = 5

function setString(facts: TokenFacts, name: 'iss' | 'kid' | 'alg' | 'client_id', value: unknown): void {
  if (typeof value === 'string') facts[name] = bounded(value)
}

// Never String() a member: a nested array recurses in Array#join, and an unsigned token can nest thousands deep.
function audienceFact(value: unknown): string {
  if (typeof value === 'string') return bounded(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return `(${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value})`
}

function bounded(value: string): string {
  return value.length > MAX_LENGTH ? `${value.slice(0, MAX_LENGTH)}…` : value
}
