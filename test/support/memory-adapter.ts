/**
 * Minimal in-memory storage adapter for oidc-provider in tests (avoids the
 * library's development-only adapter and the warning it prints).
 */
import type { Adapter, AdapterPayload } from 'oidc-provider'

export function createMemoryAdapterFactory(): (name: string) => Adapter {
  const store = new Map<string, { payload: AdapterPayload; expiresAt: number }>()
  const read = (key: string): AdapterPayload | undefined => {
    const entry = store.get(key)
    if (!entry) return undefined
    if (entry.expiresAt <= Date.now()) {
      store.delete(key)
      return undefined
    }
    return entry.payload
  }
  return (name: string): Adapter => ({
    async upsert(id, payload, expiresIn) {
      const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY
      store.set(`${name}:${id}`, { payload, expiresAt })
    },
    async find(id) {
      return read(`${name}:${id}`)
    },
    async findByUserCode(userCode) {
      for (const [key, { payload }] of store) {
        if (key.startsWith(`${name}:`) && payload.userCode === userCode) return read(key)
      }
      return undefined
    },
    async findByUid(uid) {
      for (const [key, { payload }] of store) {
        if (key.startsWith(`${name}:`) && payload.uid === uid) return read(key)
      }
      return undefined
    },
    async consume(id) {
      const payload = read(`${name}:${id}`)
      if (payload) payload.consumed = Math.floor(Date.now() / 1000)
    },
    async destroy(id) {
      store.delete(`${name}:${id}`)
    },
    async revokeByGrantId(grantId) {
      for (const [key, { payload }] of store) {
        if (payload.grantId === grantId) store.delete(key)
      }
    },
  })
}
