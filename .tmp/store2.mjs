import { randomUUID } from 'node:crypto'
function measure(name, make) {
  gc(); const before = process.memoryUsage().heapUsed
  const m = new Map()
  for (let i = 0; i < 100000; i++) m.set(make(i), Date.now() + 60000)
  gc(); gc(); const after = process.memoryUsage().heapUsed
  console.log(name, ((after - before) / 100000).toFixed(0), 'B/entry', m.size)
}
const t = 'x'.repeat(43)
measure('template', () => `dpop:${t}:${randomUUID()}`)
measure('flattened via Buffer', () => Buffer.from(`dpop:${t}:${randomUUID()}`).toString('latin1'))
measure('uuid only', () => randomUUID())
measure('template of JSON.parse jti', () => `dpop:${t}:${JSON.parse(JSON.stringify({ j: randomUUID() })).j}`)
measure('flat JSON.parse key', () => JSON.parse(JSON.stringify(`dpop:${t}:${randomUUID()}`)))
