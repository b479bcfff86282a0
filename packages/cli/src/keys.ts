/**
 * Where the keys come from, in the verifier's own terms: discovery from the issuer (default), a JWKS URL
 * (`jwksUri`), or a JWKS file read once (`jwks`: no network at all). What the key source did is read from
 * its events, so the report says what was fetched, not what was meant to be.
 */
import { readFile } from 'node:fs/promises'
import type { KeySourceEvent, KeySourceEventListener, VerifierOptions } from '@tokenguard/core'
import { UsageError, type KeysArg } from './args.js'

type JSONWebKeySet = NonNullable<VerifierOptions['jwks']>

/** Largest JWKS file read, in bytes (the verifier's own default limit for a fetched key set). */
const MAX_JWKS_FILE = 512 * 1024

/** What the key source was and did. */
export interface KeysReport {
  source: KeysArg['kind']
  /** The issuer (discovery), the JWKS URL, or the file path. */
  from: string
  /** The key set URL used (discovered or given). */
  jwksUri?: string | undefined
  /** Keys in the set, once it was loaded. */
  keyCount?: number | undefined
  /** Whether a discovery or key set request was made. */
  fetched: boolean
  /** Why the last fetch failed, if it did. */
  failure?: string | undefined
}

/** The key options for the verifier, and the tally of what the key source does with them. */
export interface KeySetup {
  options: { jwks?: JSONWebKeySet; jwksUri?: string }
  onEvent: KeySourceEventListener
  report(): KeysReport
}

/** Reads a JWKS file or settles a URL; a file that cannot be read is a usage error. */
export async function setUpKeys(arg: KeysArg, issuer: string): Promise<KeySetup> {
  const events: KeySourceEvent[] = []
  const onEvent: KeySourceEventListener = (event) => void events.push(event)
  if (arg.kind === 'file') {
    const jwks = await readJwksFile(arg.path)
    return { options: { jwks }, onEvent, report: () => ({ source: 'file', from: arg.path, keyCount: jwks.keys.length, fetched: false }) }
  }
  const from = arg.kind === 'jwks_uri' ? arg.uri : issuer
  return { options: arg.kind === 'jwks_uri' ? { jwksUri: arg.uri } : {}, onEvent, report: () => reportOf(arg.kind, from, events) }
}

function reportOf(source: KeysArg['kind'], from: string, events: readonly KeySourceEvent[]): KeysReport {
  const report: KeysReport = { source, from, jwksUri: source === 'jwks_uri' ? from : undefined, fetched: false }
  for (const event of events) {
    if (event.type === 'fetch_start') report.fetched = true
    if (event.type === 'discovered') report.jwksUri = event.jwksUri
    if (event.type === 'fetch_success') Object.assign(report, { jwksUri: event.uri, keyCount: event.keyCount, failure: undefined })
    if (event.type === 'fetch_failure') report.failure = event.error
  }
  return report
}

async function readJwksFile(path: string): Promise<JSONWebKeySet> {
  let text: string
  try {
    const bytes = await readFile(path)
    if (bytes.byteLength > MAX_JWKS_FILE) throw new Error(`larger than ${MAX_JWKS_FILE} bytes`)
    text = bytes.toString('utf8')
  } catch (error) {
    throw new UsageError(`cannot read the JWKS file ${JSON.stringify(path)}: ${(error as Error).message}`)
  }
  let jwks: unknown
  try {
    jwks = JSON.parse(text)
  } catch {
    throw new UsageError(`the JWKS file ${JSON.stringify(path)} is not JSON`)
  }
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) {
    throw new UsageError(`the JWKS file ${JSON.stringify(path)} is not a JWK Set (expected {"keys": [...]})`)
  }
  return jwks as JSONWebKeySet
}
