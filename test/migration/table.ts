/**
 * The migration examples' yardstick: one table of requests sent over real HTTP to the "before" app (on the
 * peer library) and the "after" app (on tokenguard), both verifying tokens of one local issuer. Every row
 * must be answered the same way, except the rows a guide names as differences — and those must differ
 * exactly as the guide says, so a difference can neither hide nor disappear unnoticed.
 */
import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'

/** One request of the table. */
export interface Row {
  name: string
  method?: string
  path: string
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string
  headers?: Record<string, string>
  /** A urlencoded form body. */
  form?: Record<string, string>
}

/** What is compared of an answer. */
export interface Answer {
  status: number
  /** The challenge's `error` attribute; `'(none)'` for a challenge without one; `undefined` without a challenge. */
  error?: string | undefined
  /** The challenge's `scope` attribute, when there is one. */
  scope?: string | undefined
  /** The JSON body of a 2xx answer (the handlers' own). */
  body?: unknown
}

export type Field = keyof Answer

/** Sends `row` to `base` (node:http, so that nothing is added or normalised on the way). */
export function ask(base: string, row: Row): Promise<Answer> {
  const body = row.form === undefined ? undefined : new URLSearchParams(row.form).toString()
  const headers: Record<string, string | number> = { ...row.headers }
  if (row.token !== undefined) headers.authorization = `Bearer ${row.token}`
  if (body !== undefined) Object.assign(headers, { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) })
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${row.path}`, { method: row.method ?? 'GET', headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => {
        const status = res.statusCode ?? 0
        const challenge = res.headers['www-authenticate']
        resolve({
          status,
          error: challenge === undefined ? undefined : (/error="([^"]*)"/.exec(challenge)?.[1] ?? '(none)'),
          scope: challenge === undefined ? undefined : /scope="([^"]*)"/.exec(challenge)?.[1],
          body: status >= 200 && status < 300 && text !== '' ? (JSON.parse(text) as unknown) : undefined,
        })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** A difference a guide names: what the peer answers, what tokenguard answers (the fields given only). */
export interface Difference {
  before: Partial<Answer>
  after: Partial<Answer>
  /** The guide's name for it, for the failure message. */
  why: string
}

function pick(answer: Answer, fields: readonly Field[]): Partial<Answer> {
  return Object.fromEntries(fields.map((field) => [field, answer[field]])) as Partial<Answer>
}

/**
 * Sends every row to both apps and compares. Rows without a named difference must agree on `fields`;
 * rows with one must match it on both sides (on the fields it gives).
 */
export async function compareApps(before: string, after: string, rows: readonly Row[], differences: Readonly<Record<string, Difference>>, fields: readonly Field[]): Promise<void> {
  const names = rows.map((row) => row.name)
  for (const name of Object.keys(differences)) assert.ok(names.includes(name), `the difference "${name}" names a row of the table`)
  for (const row of rows) {
    const [peer, ours] = [await ask(before, row), await ask(after, row)]
    if (process.env.MIGRATION_TABLE === '1') console.log(JSON.stringify({ row: row.name, peer, ours }))
    const difference = differences[row.name]
    if (difference === undefined) {
      assert.deepEqual(pick(ours, fields), pick(peer, fields), `row "${row.name}": both apps answer the same`)
      continue
    }
    const keys = Object.keys(difference.after) as Field[]
    assert.deepEqual(pick(peer, Object.keys(difference.before) as Field[]), difference.before, `row "${row.name}" (${difference.why}): the peer answers as the guide says`)
    assert.deepEqual(pick(ours, keys), difference.after, `row "${row.name}" (${difference.why}): tokenguard answers as the guide says`)
    assert.notDeepEqual(pick(peer, keys), pick(ours, keys), `row "${row.name}" (${difference.why}) really differs`)
  }
}
