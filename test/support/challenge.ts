/** Parsing `WWW-Authenticate: Bearer …` in tests, strictly enough to catch a malformed header. */
import assert from 'node:assert/strict'

export interface ParsedChallenge {
  scheme: string
  params: Record<string, string>
}

/** Parses one challenge; fails the test on duplicate attributes or characters RFC 6750 forbids. */
export function parseChallenge(header: string | null): ParsedChallenge {
  assert.ok(header, 'expected a WWW-Authenticate header')
  const match = /^(\S+)(?: (.*))?$/.exec(header)
  assert.ok(match, `malformed challenge: ${header}`)
  const params: Record<string, string> = {}
  const rest = match[2] ?? ''
  const attribute = /([a-z_]+)="([\x20\x21\x23-\x5B\x5D-\x7E]*)"(?:, |$)/gy
  let consumed = 0
  for (let found = attribute.exec(rest); found !== null; found = attribute.exec(rest)) {
    assert.ok(!(found[1]! in params), `attribute ${found[1]} appears twice in ${header}`)
    params[found[1]!] = found[2]!
    consumed = attribute.lastIndex
  }
  assert.equal(consumed, rest.length, `unparseable challenge attributes: ${header}`)
  return { scheme: match[1]!, params }
}

/** Asserts a response's status and, where given, its challenge's `error` (or its absence with `null`). */
export function assertRefusal(response: Response, status: number, error: string | null | undefined, label = ''): ParsedChallenge | undefined {
  assert.equal(response.status, status, `${label}: status`)
  if (error === undefined) return undefined
  const challenge = parseChallenge(response.headers.get('www-authenticate'))
  assert.equal(challenge.scheme, 'Bearer', `${label}: scheme`)
  if (error === null) assert.equal(challenge.params.error, undefined, `${label}: no error attribute expected`)
  else assert.equal(challenge.params.error, error, `${label}: error attribute`)
  return challenge
}
