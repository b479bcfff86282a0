/**
 * Parsing a `WWW-Authenticate` value that may hold several challenges (`Bearer …, DPoP …`, RFC 9110
 * §11.6.1), strictly: every attribute quoted, none twice within a challenge, nothing left over.
 */
import assert from 'node:assert/strict'

export interface Challenge {
  scheme: string
  params: Record<string, string>
}

/** Every challenge in `header`, in order. */
export function parseChallenges(header: string | null | undefined): Challenge[] {
  assert.ok(header, 'expected a WWW-Authenticate header')
  const challenges: Challenge[] = []
  const token = /([A-Za-z][A-Za-z0-9-]*)(?: |$|, )/y
  const attribute = /([a-z_]+)="([\x20\x21\x23-\x5B\x5D-\x7E]*)"(?:, |$)/y
  let at = 0
  while (at < header.length) {
    token.lastIndex = at
    const scheme = token.exec(header)
    assert.ok(scheme, `malformed challenge at ${at}: ${header}`)
    at = token.lastIndex
    const params: Record<string, string> = {}
    for (;;) {
      attribute.lastIndex = at
      const found = attribute.exec(header)
      // The next challenge's scheme is a bare token, not name="value".
      if (found === null) break
      assert.ok(!(found[1]! in params), `attribute ${found[1]} appears twice in one challenge: ${header}`)
      params[found[1]!] = found[2]!
      at = attribute.lastIndex
    }
    challenges.push({ scheme: scheme[1]!, params })
  }
  return challenges
}

/** The challenge of `scheme` (case-insensitive), failing the test if there is none. */
export function challengeOf(header: string | null | undefined, scheme: string): Challenge {
  const found = parseChallenges(header).find((challenge) => challenge.scheme.toLowerCase() === scheme.toLowerCase())
  assert.ok(found, `no ${scheme} challenge in ${header}`)
  return found
}
