/**
 * A ReplayStore on Redis, shared by every instance of an API: a DPoP proof accepted by one instance is a
 * replay for all of them. One `SET key 1 NX PX ttl` per proof: atomic, so two instances racing on the same
 * proof cannot both accept it, and Redis forgets the key when its window has passed.
 */
import { assertReplayArguments, ConfigurationError, isConfigurationError, parseDuration, ReplayStoreUnavailableError, type Duration, type ReplayStore } from '@tokenguard/core'
import { assertCommands, assertOptions, settlePrefix } from './options.js'

/** The ioredis command the replay store uses (an ioredis `Redis` or `Cluster` has it). */
export interface RedisReplayCommands {
  set(key: string, value: string, millisecondsToken: 'PX', milliseconds: number, nx: 'NX'): Promise<'OK' | null>
}

export interface RedisReplayStoreOptions {
  /** Prefix of every Redis key; the rest is the caller's key (already hashed). Default `"tokenguard:replay:"`. */
  prefix?: string
  /**
   * What `remember` does when Redis fails or does not answer within `timeoutDuration`:
   * - `'refuse'` (default): throws {@link ReplayStoreUnavailableError}, so the request gets a 503 — no proof
   *   is accepted that could not be checked;
   * - `'allow'`: answers "not a replay", so proofs keep working while Redis is down, without replay
   *   detection. Only for APIs where availability matters more than a replayed proof.
   */
  onError?: 'refuse' | 'allow'
  /**
   * How long to wait for Redis before treating it as down (ioredis may queue commands while it reconnects,
   * for far longer than a request should wait): milliseconds, or a string with its unit such as `'1s'` or
   * `'250ms'`, like every duration of the verifier. Accepted: 10 ms – 1 min. Default 1000 (1 s).
   */
  timeoutDuration?: Duration
  /** Called with the error each time Redis fails or times out, in both `onError` modes (for logs and alerts). */
  onUnavailable?: (error: unknown) => void
}

/** A {@link ReplayStore} whose answers are always promises (Redis is a network call). */
export interface RedisReplayStore extends ReplayStore {
  remember(key: string, ttlMs: number): Promise<boolean>
}

const STORE = 'redisReplayStore'

/** A replay store on an existing Redis connection (e.g. `new Redis(url)` from ioredis), which it never closes. */
export function redisReplayStore(redis: RedisReplayCommands, options: RedisReplayStoreOptions = {}): RedisReplayStore {
  assertCommands(redis, STORE, ['set'])
  assertOptions(options, STORE, ['prefix', 'onError', 'timeoutDuration', 'onUnavailable'])
  const prefix = settlePrefix(options.prefix, STORE, 'tokenguard:replay:')
  const { onError = 'refuse' } = options
  const timeoutDuration = settleTimeout(options.timeoutDuration)
  const onUnavailable = options.onUnavailable as RedisReplayStoreOptions['onUnavailable']
  if (onError !== 'refuse' && onError !== 'allow') throw new TypeError(`tokenguard: ${STORE} "onError" must be "refuse" or "allow"`)
  if (onUnavailable !== undefined && typeof onUnavailable !== 'function') throw new TypeError(`tokenguard: ${STORE} "onUnavailable" must be a function`)

  return {
    async remember(key, ttlMs) {
      assertReplayArguments(key, ttlMs)
      let reply: unknown
      try {
        reply = await withTimeout(redis.set(prefix + key, '1', 'PX', Math.ceil(ttlMs), 'NX'), timeoutDuration)
        if (reply !== 'OK' && reply !== null) throw new Error(`unexpected reply to SET NX: ${String(reply).slice(0, 40)}`)
      } catch (error) {
        notify(onUnavailable, error)
        if (onError === 'allow') return true
        throw new ReplayStoreUnavailableError(`tokenguard: the Redis replay store cannot answer: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
      }
      return reply === 'OK'
    },
  }
}

const TIMEOUT_BOUNDS = { min: 10, max: 60_000, example: '1s' }

/** The verifier's duration rules (a bare 1–999 is refused: write the unit), with the store named in the message. */
function settleTimeout(value: unknown): number {
  if (value === undefined) return 1000
  try {
    return parseDuration(value, 'timeoutDuration', TIMEOUT_BOUNDS)
  } catch (error) {
    if (!isConfigurationError(error)) throw error
    throw new ConfigurationError('timeoutDuration', `${STORE} ${error.message.replace(/^tokenguard: /, '')}`)
  }
}

// A failing log hook must not change the answer.
function notify(onUnavailable: ((error: unknown) => void) | undefined, error: unknown): void {
  try {
    onUnavailable?.(error)
  } catch {
    // ignored on purpose
  }
}

function withTimeout<T>(command: Promise<T>, timeoutDuration: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutDuration} ms (timeoutDuration)`)), timeoutDuration)
  })
  command.catch(() => undefined) // a late failure after the timeout is no unhandled rejection
  return Promise.race([command, timeout]).finally(() => clearTimeout(timer))
}
