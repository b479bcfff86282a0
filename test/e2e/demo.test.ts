/** `npm run demo` is the main job on a fresh clone: it must exit 0 and show the expected table. */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { promisify } from 'node:util'

test('the demo runs the whole flow and exits 0', async () => {
  const demo = fileURLToPath(new URL('../../examples/demo.js', import.meta.url))
  const { stdout } = await promisify(execFile)(process.execPath, [demo], { timeout: 60_000 })
  for (const api of ['express', 'fastify']) {
    assert.match(stdout, new RegExp(`${api} +\\| read-only client tries to write +\\| 403 +\\| 403 +\\| Bearer realm="example-api", error="insufficient_scope"`))
    assert.match(stdout, new RegExp(`${api} +\\| tampered token +\\| 401 +\\| 401 +\\| Bearer realm="example-api", error="invalid_token"`))
    assert.match(stdout, new RegExp(`${api} +\\| no token +\\| 401 +\\| 401 +\\| Bearer realm="example-api" *$`, 'm'))
    assert.match(stdout, new RegExp(`${api} +\\| read-only client reads again \\(cached token\\) +\\| 200 +\\| 200`))
  }
  assert.match(stdout, /2 token requests reached the authorization server for 12 API calls/)
  assert.match(stdout, /All answers were as expected/)
})
