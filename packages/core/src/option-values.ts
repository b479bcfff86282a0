/**
 * Type checks for option values, each refusing with a {@link ConfigurationError} that names the option, what
 * it takes and, where the mistake is a common one, the fix (`scopeClaims: 'scope'` → `['scope']`).
 */
import { ConfigurationError } from './errors.js'

/** A string or `undefined`. */
export function optionalString(value: unknown, option: string): string | undefined {
  if (value !== undefined && typeof value !== 'string') throw new ConfigurationError(option, `"${option}" must be a string; got ${describe(value)}`)
  return value
}

/** `true`, `false` or `undefined`: `'false'` is a string, and truthy. */
export function optionalBoolean(value: unknown, option: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw new ConfigurationError(option, `"${option}" must be true or false; got ${describe(value)}`)
  return value
}

/** A function or `undefined`. */
export function optionalFunction<T extends (...args: never[]) => unknown>(value: unknown, option: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw new ConfigurationError(option, `"${option}" must be a function; got ${describe(value)}`)
  return value as T | undefined
}

/** A whole number from 1 to `max` (a count or a size), or `fallback` when `undefined`. */
export function positiveInteger(value: unknown, fallback: number, option: string, max: number, unit: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigurationError(option, `"${option}" must be a positive number: a whole number of ${unit}, at most ${max}; got ${describe(value)}`)
  }
  if (value > max) throw new ConfigurationError(option, `"${option}" must be at most ${max} ${unit}; got ${value}`)
  return value
}

/**
 * A list of non-empty strings (claim names, scopes) or `undefined`. A lone string — the most common
 * mistake — is refused with the list it was meant to be.
 */
export function optionalNameList(value: unknown, option: string, what: string): string[] | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string') {
    throw new ConfigurationError(option, `"${option}" must be an array of ${what}, not a string — write ${option}: ${JSON.stringify(value.split(/[\s,]+/).filter(Boolean))}`)
  }
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string' || entry === '')) {
    throw new ConfigurationError(option, `"${option}" must be an array of ${what} (non-empty strings); got ${describe(value)}`)
  }
  return [...(value as string[])]
}

/** An object of string values (extra request headers) or `undefined`. */
export function optionalStringRecord(value: unknown, option: string): Record<string, string> | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.values(value).some((entry) => typeof entry !== 'string')) {
    throw new ConfigurationError(option, `"${option}" must be an object of header names to string values; got ${describe(value)}`)
  }
  return value as Record<string, string>
}

/** A short description of a wrong value for messages: its type, and the value itself when it is small. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array (${JSON.stringify(value).slice(0, 60)})`
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`
  return typeof value
}
