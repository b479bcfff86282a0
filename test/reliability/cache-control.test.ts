/**
 * `Cache-Control: max-age` of the key set response sets its freshness, bounded to 1 minute – 24 hours so
 * that the issuer can neither force a refetch storm (`max-age=0`) nor pin a key for a year.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { CORE, rig } from './harness.js'

const CACHE_MAX_AGE = 500

const CASES: Array<{ name: string; cacheControl: string | undefined; honorCacheControl?: boolean; maxAge: number }> = [
  { name: 'max-age=120 is taken as is', cacheControl: 'public, max-age=120', maxAge: 120_000 },
  { name: 'max-age=5 is raised to the 1 minute floor', cacheControl: 'max-age=5', maxAge: 60_000 },
  { name: 'max-age=0 is raised to the 1 minute floor', cacheControl: 'max-age=0, must-revalidate', maxAge: 60_000 },
  { name: 'max-age=999999999 is capped at 24 hours', cacheControl: 'max-age=999999999', maxAge: 86_400_000 },
  { name: 'honorCacheControl: false uses cacheMaxAge', cacheControl: 'max-age=120', honorCacheControl: false, maxAge: CACHE_MAX_AGE },
  { name: 'no Cache-Control uses cacheMaxAge', cacheControl: undefined, maxAge: CACHE_MAX_AGE },
  { name: 'no-store without max-age uses cacheMaxAge', cacheControl: 'no-store', maxAge: CACHE_MAX_AGE },
]

describe('Cache-Control: max-age sets the key set freshness (core)', () => {
  for (const c of CASES) {
    test(`${c.name} → ${c.maxAge} ms`, async (t) => {
      const { server, target: api, log, close } = await rig(CORE.start, { cacheMaxAge: `${CACHE_MAX_AGE}ms`, honorCacheControl: c.honorCacheControl })
      t.after(close)
      server.cacheControl = c.cacheControl
      await api.verifier.ready()

      assert.deepEqual(log.of('fetch_success').map((event) => event.maxAge), [c.maxAge], 'fetch_success maxAge')
      const snapshot = api.verifier.keySource.export()!
      assert.equal(snapshot.freshUntil - snapshot.fetchedAt, c.maxAge, 'export().freshUntil')
    })
  }
})
