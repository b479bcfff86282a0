/**
 * The child of differential-decision.test.ts: runs the attack corpus through the whole verifier
 * (differential-decisions.ts) with the engine this process resolves for core's `#jwt-verify` (jose under
 * `node --conditions=tokenguard-jose`), and prints JSON lines: first `{ "engine": … }`, then one decision
 * per case. With `DIFFERENTIAL_BROKEN_ENGINE=1` it first redirects `#jwt-verify` to a broken engine (the
 * control that proves the comparison can fail); core is imported only after that, hence the dynamic import.
 */
import { register } from 'node:module'

if (process.env.DIFFERENTIAL_BROKEN_ENGINE === '1') register('./differential-broken-hooks.js', import.meta.url)
const { decideCorpus } = await import('./differential-decisions.js')
const run = await decideCorpus()
process.stdout.write(`${JSON.stringify({ engine: run.engine })}\n`)
for (const decision of run.decisions) process.stdout.write(`${JSON.stringify(decision)}\n`)
