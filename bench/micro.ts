/**
 * Micro-benchmark (`npm run bench:micro`): the cost of one verification per algorithm (RS256, PS256,
 * ES256, EdDSA, and HS256 with the `secret` option), cold and cached, beside the raw `node:crypto` signature check and plain jose. Everything
 * runs in this process, sequentially (one operation in flight), timed with `process.hrtime.bigint()`.
 */
import { ALGORITHMS, casesFor } from './micro/cases.js'
import { hs256Cases } from './micro/hs256-cases.js'
import { microTextTable, microMarkdownTable, type MicroResult } from './micro/report.js'
import { timeGroup } from './micro/timing.js'
import { describeMachine, machineInfo } from './support/machine.js'
import { saveResult } from './support/results.js'
import { microSettings } from './support/settings.js'
import { microTargets, targetsTable } from './targets.js'

const machine = machineInfo()
const startedAt = new Date().toISOString()
console.log(`micro-benchmark on ${describeMachine(machine)}, OpenSSL ${process.versions.openssl}`)
console.log(`${microSettings.rounds} interleaved rounds of ~${microSettings.roundMs} ms per case; median reported\n`)

const algorithms: MicroResult['algorithms'] = {}
for (const alg of [...ALGORITHMS, 'HS256'] as const) {
  const cases = alg === 'HS256' ? await hs256Cases() : await casesFor(alg)
  const timed = await timeGroup(cases, microSettings.roundMs, microSettings.rounds)
  algorithms[alg] = Object.fromEntries(timed.map((entry) => [entry.name, entry])) as MicroResult['algorithms'][string]
  console.log(`${alg}: ${timed.map((entry) => `${entry.name} ${entry.microsPerOp.toFixed(2)} µs`).join(', ')}`)
}

const result: MicroResult = { kind: 'micro', startedAt, machine, openssl: process.versions.openssl, settings: { ...microSettings }, algorithms }
const saved = await saveResult('micro', result)
console.log(`\n${microTextTable(result)}\n`)
console.log(`${targetsTable(microTargets(result))}\n`)
console.log(`markdown:\n\n${microMarkdownTable(result)}\n`)
console.log(`saved ${saved}`)
