/**
 * A certificate authority, a server certificate for 127.0.0.1 and client certificates, made at test time
 * with the `openssl` command (no key is committed). Each client certificate comes with its DER bytes and
 * its RFC 8705 thumbprint (`x5t#S256`).
 */
import { execFileSync } from 'node:child_process'
import { createHash, X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findOnPath, missingMessage, type Binary } from './binaries.js'

export const OPENSSL: Binary = { name: 'openssl', install: 'Debian/Ubuntu: apt-get install openssl', neededBy: 'the mTLS suites' }

export interface Identity {
  key: string
  cert: string
  /** DER bytes of the certificate. */
  der: Buffer
  /** base64url SHA-256 of the DER certificate: a bound token's `cnf["x5t#S256"]`. */
  x5t: string
}

export interface TlsMaterial {
  /** The CA certificate (PEM) that signed the server and client certificates. */
  ca: string
  server: Identity
  clients: { a: Identity; b: Identity }
  /** A client certificate signed by nobody the servers know (self-signed). */
  stranger: Identity
}

let made: TlsMaterial | undefined

/** Makes (once per process) the CA and certificates; fails the test run if `openssl` is missing. */
export function tlsMaterial(): TlsMaterial {
  if (made !== undefined) return made
  if (findOnPath(OPENSSL.name) === undefined) throw new Error(missingMessage(OPENSSL))
  const dir = mkdtempSync(join(tmpdir(), 'tokenguard-tls-'))
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=tokenguard test CA')

  function issue(name: string, extensions: string): Identity {
    writeFileSync(join(dir, `${name}.ext`), extensions)
    openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`)
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`)
    return identity(name)
  }

  function identity(name: string): Identity {
    const cert = readFileSync(join(dir, `${name}.crt`), 'utf8')
    const der = Buffer.from(new X509Certificate(cert).raw)
    return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert, der, x5t: createHash('sha256').update(der).digest('base64url') }
  }

  const server = issue('server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n')
  const a = issue('client-a', 'extendedKeyUsage=clientAuth\n')
  const b = issue('client-b', 'extendedKeyUsage=clientAuth\n')
  openssl('req', '-x509', ...ec, '-keyout', 'stranger.key', '-out', 'stranger.crt', '-days', '2', '-subj', '/CN=stranger')
  made = { ca: readFileSync(join(dir, 'ca.crt'), 'utf8'), server, clients: { a, b }, stranger: identity('stranger') }
  return made
}
