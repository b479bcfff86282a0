/**
 * Type assertions for the type tests (checked by `tsc -p test-d`, never run). Each check is a call, not a
 * declaration, so that a `@ts-expect-error` can only be satisfied by the type error it names.
 */

/** `true` when A and B are identical types (not merely assignable either way). */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false

/** Compiles only when `T` is `true`: `assertType<Equal<X, Y>>(true)`. */
export function assertType<T extends true>(_value: T): void {}

/** Compiles only when `value` is assignable to `T`. */
export function expectAssignable<T>(_value: T): void {}
