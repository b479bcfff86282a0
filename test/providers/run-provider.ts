/**
 * Runs one provider's table of token shapes through core (`verifier.verify`) and over real HTTP through
 * every adapter (Express 5, Express 4, Fastify), with the verifier built from the provider's preset against
 * a loopback issuer that publishes the provider's documents.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createVerifier, isTokenGuardError, type RefusalReason, type Verifier, type VerifierOptions } from '@tokenguard/core'
import { ADAPTERS, type RunningApp } from '../support/apps.js'
import { assertRefusal } from '../support/challenge.js'

/** A running provider fixture: the preset's options, and what it needs to mint tokens. */
export interface ProviderFixture {
  /** The preset's result, pointed at the loopback issuer. */
  options: VerifierOptions
  /** Paths the verifier must have fetched (the provider's documented locations). */
  locations: string[]
  /** Requests the issuer received at `path`. */
  hits(path: string): number
  /** Paths requested that the provider does not serve. */
  misses(): string[]
  close(): Promise<void>
}

/** One token shape and what must become of it. */
export interface ProviderCase<F> {
  name: string
  token(fixture: F): Promise<string>
  /** Accepted, with exactly these scopes (merged from the preset's scope claims). */
  scopes?: string[]
  /** Refused with `invalid_token` (401), for this operator-facing reason. */
  refused?: RefusalReason
}

export interface ProviderSuite<F extends ProviderFixture> {
  name: string
  start(): Promise<F>
  cases: ReadonlyArray<ProviderCase<F>>
}

/** Declares the suite: one test per case through core, and one per case and adapter. */
export function runProviderSuite<F extends ProviderFixture>(suite: ProviderSuite<F>): void {
  describe(suite.name, () => {
    let fixture: F
    let verifier: Verifier
    const apps: RunningApp[] = []

    before(async () => {
      fixture = await suite.start()
      verifier = createVerifier(fixture.options)
      for (const adapter of ADAPTERS) apps.push(await adapter.start(fixture.options))
    })
    after(async () => {
      await Promise.all(apps.map((app) => app.close()))
      await fixture?.close()
    })

    for (const [index, entry] of suite.cases.entries()) {
      test(`${entry.name} (core)`, async () => {
        const token = await entry.token(fixture)
        if (entry.scopes !== undefined) {
          const auth = await verifier.verify(token)
          assert.deepEqual([...auth.scopes].sort(), [...entry.scopes].sort())
          return
        }
        await assert.rejects(verifier.verify(token), (error: unknown) => {
          assert.ok(isTokenGuardError(error), 'a tokenguard refusal')
          assert.equal(error.status, 401)
          assert.equal(error.code, 'invalid_token')
          assert.equal(error.reason, entry.refused)
          return true
        })
      })
      for (const adapter of ADAPTERS) {
        test(`${entry.name} (${adapter.name})`, async () => {
          const app = apps[ADAPTERS.indexOf(adapter)]!
          const token = await entry.token(fixture)
          const response = await fetch(`${app.url}/whoami`, { headers: { authorization: `Bearer ${token}` } })
          if (entry.scopes !== undefined) {
            assert.equal(response.status, 200, `case ${index}: status`)
            const body = (await response.json()) as { scopes: string[] }
            assert.deepEqual(body.scopes, [...entry.scopes].sort())
            return
          }
          assertRefusal(response, 401, 'invalid_token', entry.name)
          assert.equal(app.refusals.at(-1)?.reason, entry.refused, 'operator-facing reason')
        })
      }
    }

    test('the verifier fetched the provider\'s documented locations only', async () => {
      for (const path of fixture.locations) assert.ok(fixture.hits(path) > 0, `expected a request to ${path}`)
      assert.deepEqual(fixture.misses(), [], 'requests to paths the provider does not serve')
    })
  })
}
