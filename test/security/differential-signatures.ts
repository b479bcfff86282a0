/**
 * ECDSA and RSA-PSS signatures are randomized: signed afresh on each run, the targets (and so every mutant)
 * would differ from run to run. They are made once and kept in test/fixtures/differential/signatures.json,
 * keyed by key, algorithm and the SHA-256 of the signing input, with the values that took a search with a
 * random outcome (a claim that makes a signature start with a zero byte). A missing entry fails the run;
 * `DIFFERENTIAL_WRITE_SIGNATURES=1` adds the missing ones instead (then commit the file).
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

const FILE = new URL('../../../test/fixtures/differential/signatures.json', import.meta.url)
const stored: Record<string, string> = existsSync(FILE) ? (JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, string>) : {}
const missing = new Set<string>()

const idOf = (kid: string, alg: string, input: string) => `${kid} ${alg} ${createHash('sha256').update(input).digest('base64url')}`

/** The kept signature of `input` by `kid` under `alg`, or a fresh one from `make` (recorded as missing). */
export function storedSignature(kid: string, alg: string, input: string, make: () => Buffer): Buffer {
  const id = idOf(kid, alg, input)
  const known = stored[id]
  if (known !== undefined) return Buffer.from(known, 'base64url')
  const made = make()
  stored[id] = made.toString('base64url')
  missing.add(id)
  return made
}

/** A value found once by `search` (which may store signatures through {@link storedSignature}), kept under `name`. */
export function storedValue(name: string, search: () => string): string {
  const known = stored[name]
  if (known !== undefined) return known
  const found = search()
  stored[name] = found
  missing.add(name)
  return found
}

/** Fails when a randomized signature was made afresh, unless told to write it down. */
export function assertSignaturesStored(): void {
  if (missing.size === 0) return
  if (process.env.DIFFERENTIAL_WRITE_SIGNATURES === '1') {
    const sorted = Object.fromEntries(Object.entries(stored).sort(([a], [b]) => a.localeCompare(b)))
    writeFileSync(FILE, `${JSON.stringify(sorted, null, 1)}\n`)
    missing.clear()
    return
  }
  throw new Error(`${missing.size} randomized signatures or searched values are not in test/fixtures/differential/signatures.json: ` +
    'run DIFFERENTIAL_WRITE_SIGNATURES=1 node build/scripts/differential.js --mutants 1 once and commit the file')
}
