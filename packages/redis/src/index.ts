export { redisReplayStore, type RedisReplayCommands, type RedisReplayStore, type RedisReplayStoreOptions } from './replay-store.js'
export { redisTokenStore, type RedisTokenCommands, type RedisTokenStoreOptions } from './token-store.js'
export { redisIntrospectionStore, type RedisIntrospectionCommands, type RedisIntrospectionStoreOptions } from './introspection-store.js'
