/**
 * Type assertions for the type tests (test/types.test.ts, test/query-types.test.ts,
 * test/computed.test.ts, test/events.test.ts, test/apiSchemas.test.ts, test/writes.test.ts):
 * the relations expect-type's `toEqualTypeOf`, `toExtend` and `toBeFunction` check, at a
 * fraction of their type-check cost.
 *
 * Each `expectTypeOf<A>()` instantiates expect-type's whole assertion interface (some
 * 430 instantiations an assertion, against 70 here), and type-check time is a tracked
 * target (issue 14). A failed assertion is an error on its line ("Expected 1 arguments,
 * but got 0"), so `@ts-expect-error` works above it as above an `expectTypeOf`.
 */

type IsNever<T> = [T] extends [never] ? true : false

/**
 * `A` and `B` are the same type: TypeScript's internal "identical" relation, as
 * expect-type's `StrictEqualUsingTSInternalIdenticalToOperator` (so `{ a: 1 } & { b: 2 }`
 * is not `{ a: 1; b: 2 }`, and `any` is only `any`).
 */
export type Equal<A, B> = (<T>() => T extends (A & T) | T ? true : false) extends
  (<T>() => T extends (B & T) | T ? true : false) ? IsNever<A> extends IsNever<B> ? true : false
  : false

/** `A` is assignable to `B` (a `never` only to `never`), as expect-type's `toExtend`. */
export type Extends<A, B> = IsNever<A> extends true ? IsNever<B> : [A] extends [B] ? true : false

type Check<Ok> = Ok extends true ? [] : [mismatch: never]

/** Compiles only when `A` and `B` are identical (`expectTypeOf<A>().toEqualTypeOf<B>()`). */
export const equalTypes = <A, B>(...ok: Check<Equal<A, B>>): void => void ok

/** Compiles only when `A` is assignable to `B` (`expectTypeOf<A>().toExtend<B>()`). */
export const extendsType = <A, B>(...ok: Check<Extends<A, B>>): void => void ok

/** Compiles only when `A` is not assignable to `B` (`expectTypeOf<A>().not.toExtend<B>()`). */
export const notExtendsType = <A, B>(...ok: Check<Extends<A, B> extends true ? false : true>): void => void ok

/** Compiles only when `A` is a function type (`expectTypeOf<A>().toBeFunction()`). */
export const isFunctionType = <A>(...ok: Check<Extends<A, (...args: Array<any>) => any>>): void => void ok
