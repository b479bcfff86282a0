/**
 * The contract table (`contract-table.ts`) over every adapter on Node: Express 5 and 4, Fastify, Hono,
 * NestJS on Express and on Fastify, and the Fetch API handler.
 */
import { ADAPTERS } from '../support/apps.js'
import { contractSuite } from './contract-table.js'

for (const adapter of ADAPTERS) {
  contractSuite(`${adapter.name} on node`, async (options) => {
    const app = await adapter.start(options)
    return { url: app.url, refusals: async () => app.refusals, close: () => app.close() }
  }, adapter.name === 'fastify' ? 'fastify' : 'oauth')
}
