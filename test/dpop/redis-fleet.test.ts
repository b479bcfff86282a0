/**
 * A fleet sharing one real redis-server as its DPoP replay store: on every adapter, two API instances (two
 * connections) behind the same public origin; a proof accepted by one is refused by the other, and with
 * Redis gone a proof is answered 503, not accepted.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { VerifierOptions } from '@tokenguard/core'
import { redisReplayStore } from '@tokenguard/redis'
import { ADAPTERS, type RunningApp } from '../support/apps.js'
import { boundIssuer, makeProof, proofKey } from '../support/dpop.js'
import { describeWithRedis } from '../support/redis-server.js'

const issuer = await boundIssuer()
const key = await proofKey()

describeWithRedis('DPoP replay store shared through Redis', (server) => {
  for (const adapter of ADAPTERS) {
    describe(adapter.name, () => {
      let first: RunningApp
      let second: RunningApp
      before(async () => {
        const prefix = `dpop-fleet:${adapter.name}:`
        first = await adapter.start({ ...issuer.options, dpop: { replayStore: redisReplayStore(await server().connect(), { prefix }) } } as VerifierOptions)
        second = await adapter.start({ ...issuer.options, dpop: { replayStore: redisReplayStore(await server().connect(), { prefix }) } } as VerifierOptions)
      })
      after(async () => Promise.all([first.close(), second.close()]))

      const call = (app: RunningApp, token: string, proof: string) => fetch(`${app.url}/data`, { headers: { authorization: `DPoP ${token}`, dpop: proof } })

      it('a proof accepted by one instance is refused as a replay by the other, and by itself', async () => {
        const token = await issuer.dpopToken(key)
        const proof = await makeProof(key, { token })
        assert.equal((await call(first, token, proof)).status, 200)
        assert.equal((await call(second, token, proof)).status, 401)
        assert.equal(second.refusals.at(-1)?.reason, 'dpop_proof_replayed')
        assert.equal((await call(first, token, proof)).status, 401)
        assert.equal((await call(second, token, await makeProof(key, { token }))).status, 200, 'a fresh proof passes on either')
      })
    })
  }

  it('Redis down: 503 with Retry-After, never an accepted proof', async () => {
    const app = await ADAPTERS[0]!.start({ ...issuer.options, dpop: { replayStore: redisReplayStore(await server().connect({ enableOfflineQueue: false, maxRetriesPerRequest: 0 })) } } as VerifierOptions)
    try {
      const token = await issuer.dpopToken(key)
      assert.equal((await fetch(`${app.url}/data`, { headers: { authorization: `DPoP ${token}`, dpop: await makeProof(key, { token }) } })).status, 200)
      await server().stop()
      const response = await fetch(`${app.url}/data`, { headers: { authorization: `DPoP ${token}`, dpop: await makeProof(key, { token }) } })
      assert.equal(response.status, 503)
      assert.equal(response.headers.get('retry-after'), '1')
      assert.equal(app.refusals.at(-1)?.reason, 'replay_store_unavailable')
    } finally {
      await app.close()
      await server().start()
    }
  })
})
