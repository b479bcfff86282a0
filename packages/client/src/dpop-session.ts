/**
 * Proofs for one client's requests (RFC 9449 §4): one per request, naming its method and URL (without query
 * and fragment), the access token's hash for resource requests, and the nonce each server last handed out
 * (§8, §9: remembered per origin, so the token endpoint's nonce never goes to an API or the other way round).
 */
import { generateProof } from 'dpop'
import type { DPoPKey } from './dpop-key.js'

/** What a response says about nonces. */
interface Answer {
  status: number
  headers: Headers
  body?: string | undefined
}

// Nonces of servers this client talks to; bounded so a client calling many hosts cannot grow without end.
const MAX_ORIGINS = 100

export class DPoPSession {
  readonly #key: Promise<DPoPKey>
  readonly #nonces = new Map<string, string>()
  /** Identifies the key for token cache keys: tokens bound to another key must never be shared. */
  readonly cacheId: string

  constructor(key: DPoPKey | Promise<DPoPKey>, cacheId: string) {
    this.#key = Promise.resolve(key)
    this.cacheId = cacheId
  }

  /** A fresh proof for `method url`, bound to `accessToken` when given. */
  async proof(url: string, method: string, accessToken?: string): Promise<string> {
    const target = new URL(url)
    const htu = `${target.origin}${target.pathname}`
    return generateProof((await this.#key).keyPair, htu, method.toUpperCase(), this.#nonces.get(target.origin), accessToken)
  }

  /** Remembers a `DPoP-Nonce` the server sent (on any answer, success or not). */
  observe(url: string, headers: Headers): void {
    const nonce = headers.get('dpop-nonce')
    if (nonce === null || nonce === '') return
    const origin = new URL(url).origin
    this.#nonces.delete(origin)
    if (this.#nonces.size >= MAX_ORIGINS) this.#nonces.delete(this.#nonces.keys().next().value!)
    this.#nonces.set(origin, nonce)
  }

  /**
   * Whether the answer asks for a (new) nonce — a token endpoint's 400 `use_dpop_nonce` (§8) or a resource
   * server's 401 `DPoP error="use_dpop_nonce"` (§9) with a `DPoP-Nonce` header — so that one retry with it
   * makes sense. Remembers the nonce.
   */
  wantsNonce(url: string, answer: Answer): boolean {
    const nonce = answer.headers.get('dpop-nonce')
    if (nonce === null || nonce === '') return false
    const asked = answer.status === 400 ? errorCode(answer.body) === 'use_dpop_nonce' : answer.status === 401 && /(?:^|[\s,])dpop\b[^]*?error\s*=\s*"?use_dpop_nonce"?/i.test(answer.headers.get('www-authenticate') ?? '')
    const known = this.#nonces.get(new URL(url).origin)
    this.observe(url, answer.headers)
    return asked && known !== nonce
  }
}

function errorCode(body: string | undefined): unknown {
  try {
    return (JSON.parse(body ?? '') as { error?: unknown }).error
  } catch {
    return undefined
  }
}
