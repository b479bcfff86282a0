import { memoryReplayStore } from '/work/wt/dpop/packages/core/dist/index.js'
import { randomUUID } from 'node:crypto'
gc(); const before = process.memoryUsage().heapUsed
const store = memoryReplayStore()
for (let i = 0; i < 100000; i++) store.remember(`dpop:${'x'.repeat(43)}:${randomUUID()}`, 60000)
gc(); gc(); const after = process.memoryUsage().heapUsed
console.log(((after - before) / 2 ** 20).toFixed(1), 'MB', ((after - before) / 100000).toFixed(0), 'B/entry', typeof store)
