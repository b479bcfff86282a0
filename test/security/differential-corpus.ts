/**
 * The attack corpus (corpus.ts, every profile) at the verify layer: each case's token with the key resolver
 * and jose options of the issuer it targets, built as tokenguard builds them (differential-core.ts), the
 * clock fixed at the moment the token was made. A multi-issuer case goes to the issuer its unverified `iss`
 * names (the first one when it names none: tokenguard refuses such a token before any engine, but the
 * engines must still agree on it).
 */
import type { MultiIssuerOptions, VerifierOptions } from '@tokenguard/core'
import { issuerSetup, type IssuerSetup } from './differential-core.js'
import type { LabelledSubject } from './differential-tally.js'
import { profileOptions, type CorpusFixtures, type ProfileName } from './corpus-fixtures.js'
import { ATTACK_CASES } from './corpus.js'
import { decodeSegment, splitToken } from './forge.js'

function unverifiedIss(token: string): unknown {
  try {
    return decodeSegment(splitToken(token)[1]).iss
  } catch {
    return undefined
  }
}

const publishedKeys = (f: CorpusFixtures, issuer: string) => ({ keys: (issuer === f.other.issuer ? f.other : f.issuer).published.map((key) => key.publicJwk) })

function setupFor(profile: ProfileName, f: CorpusFixtures, token: string, at: Date): IssuerSetup {
  const options = profileOptions(profile, f)
  if (!('issuers' in options)) return issuerSetup(options, at, publishedKeys(f, options.issuer))
  const multi = options as MultiIssuerOptions
  const iss = unverifiedIss(token)
  const entries = Array.isArray(multi.issuers) ? multi.issuers : [{ issuer: f.issuer.issuer }]
  const entry = entries.find((candidate) => candidate.issuer === iss) ?? entries[0]!
  const single = { ...entry, audience: multi.audience, allowInsecureHttp: true } as VerifierOptions
  return issuerSetup(single, at, publishedKeys(f, entry.issuer))
}

/** Every corpus case as a subject (tokens are built one at a time, as the corpus runner does). */
export async function* corpusSubjects(f: CorpusFixtures): AsyncGenerator<LabelledSubject> {
  for (const c of ATTACK_CASES) {
    const token = await c.token(f)
    const setup = setupFor(c.profile ?? 'default', f, token, new Date())
    yield { label: `corpus [${c.profile ?? 'default'}] ${c.name}`, token, key: setup.resolver, options: setup.options }
  }
}
