/**
 * Computed properties: a field of a model defined once as an expression over its columns.
 *
 * ```ts
 * class User extends Table.Class<User>("User")("users", {
 *   id: Column.integer({ primaryKey: true }),
 *   first: Column.text(),
 *   last: Column.text()
 * }, {
 *   computed: (c) => ({ fullName: Computed.make(Fn.concat(c.first, " ", c.last)) })
 * }) {}
 *
 * User.c.fullName   // Expr<string>: SQL in where / orderBy / select
 * user.fullName     // string: worked out in JavaScript from the loaded values, no query
 * ```
 *
 * A computed property is never written: it is in no insert, update or JSON schema, no
 * DDL, and no dirty check. Instances read it with an evaluator of the common pure
 * constructs that follows SQL's NULL rules (see `make`); for anything else `make` takes a
 * `get` function, and without one the model's definition fails with a `DefinitionError`.
 *
 * Read by `src/Table.ts` (which installs the properties, via `src/internal/computed/`).
 *
 * @since 0.4.0
 */
import type { Expr } from "./Expr.js"

/**
 * The identifier of this module's values.
 *
 * @example
 * import { Computed } from "retort-orm"
 * const id = Computed.TypeId
 *
 * @since 0.4.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("retort/Computed")

/**
 * The identifier of this module's values.
 *
 * @example
 * import { Computed } from "retort-orm"
 * const id: Computed.TypeId = Computed.TypeId
 *
 * @since 0.4.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * A computed property's definition: its SQL expression and, when given, how an instance
 * reads it in JavaScript.
 *
 * @example
 * import { Column, Computed, Fn, Table } from "retort-orm"
 * class User extends Table.Class<User>("User")("users", {
 *   id: Column.integer({ primaryKey: true }),
 *   nick: Column.text({ nullable: true })
 * }, { computed: (c) => ({ shown: Computed.make(Fn.coalesce(c.nick, "anonymous")) }) }) {}
 *
 * @since 0.4.0
 * @category models
 */
export interface Computed<A> {
  readonly [TypeId]: TypeId
  readonly expr: Expr<A>
  /** How an instance reads the value; `undefined`: evaluated from the expression. */
  readonly get: ((row: any) => A) | undefined
}

/**
 * Options of `Computed.make`.
 *
 * @example
 * import type { Computed } from "retort-orm"
 * const options: Computed.Options<number, { readonly n: number }> = { get: (row) => row.n * 2 }
 *
 * @since 0.4.0
 * @category models
 */
export interface Options<A, Row = any> {
  /**
   * How an instance reads the value from its loaded fields, for an expression the
   * evaluator does not cover (a subquery, `Expr.raw`, a text comparison…). It must give
   * what the database gives for the expression on the same row.
   */
  readonly get?: (row: Row) => A
}

/**
 * A computed property from an expression over the model's columns (the `c` given to the
 * `computed` option of `Table.Class`).
 *
 * Instances evaluate the expression in JavaScript, with SQL's NULL rules, when it is built
 * from: column references, values and literals, `plus` / `minus` / `times` (decimals
 * exactly), `div` and `floorDiv` of numbers (a zero divisor gives NULL), comparisons and
 * `in` / `between` / `isDistinctFrom` of numbers and booleans, `Expr.and` / `or` / `not`,
 * `isNull`, `Expr.case`, `Fn.coalesce`, `Fn.concat`, `Fn.lower`, `Fn.upper` and
 * `Fn.length`. Anything else needs `get`; without it the model's definition throws a
 * `DefinitionError` naming the construct. Text comparisons are left out on purpose: each
 * database compares text by its own collation (MariaDB ignores case). SQLite's `lower` /
 * `upper` change ASCII letters only, where JavaScript changes every letter.
 *
 * An aggregate, a window function or a column of another table (outside a subquery) is
 * refused, `get` or not: a computed property is a value of one row.
 *
 * @example
 * import { Column, Computed, Expr, Fn, Table } from "retort-orm"
 * class Line extends Table.Class<Line>("Line")("lines", {
 *   id: Column.integer({ primaryKey: true }),
 *   qty: Column.integer(),
 *   unitPrice: Column.integer(),
 *   code: Column.text()
 * }, {
 *   computed: (c) => ({
 *     total: Computed.make(c.qty.times(c.unitPrice)),
 *     isWidget: Computed.make(Expr.raw<boolean>`${c.code} = 'W'`, { get: (row: { readonly code: string }) => row.code === "W" })
 *   })
 * }) {}
 *
 * @since 0.4.0
 * @category constructors
 */
export const make = <A, Row = any>(expr: Expr<A>, options?: Options<NoInfer<A>, Row>): Computed<A> => {
  if (typeof expr !== "object" || expr === null || !("node" in expr)) {
    throw new TypeError("Computed.make takes an expression over the model's columns")
  }
  const get = options?.get
  if (get !== undefined && typeof get !== "function") throw new TypeError("Computed.make: `get` is a function of the row")
  const computed: Computed<A> = { [TypeId]: TypeId, expr, get: get as ((row: any) => A) | undefined }
  return Object.freeze(computed)
}

/**
 * Is this a computed property's definition?
 *
 * @example
 * import { Computed, Expr } from "retort-orm"
 * Computed.isComputed(Computed.make(Expr.literal(1))) // true
 *
 * @since 0.4.0
 * @category guards
 */
export const isComputed = (u: unknown): u is Computed<unknown> => typeof u === "object" && u !== null && TypeId in u

/**
 * Computed properties by name, as the `computed` option of `Table.Class` returns them.
 *
 * @example
 * import { Computed, Expr } from "retort-orm"
 * const fields = { one: Computed.make(Expr.literal(1)) } satisfies Computed.Fields
 *
 * @since 0.4.0
 * @category models
 */
export type Fields = { readonly [key: string]: Computed<any> }

/**
 * The values computed properties give on an instance.
 *
 * @example
 * import type { Computed } from "retort-orm"
 * type V = Computed.Values<{ readonly total: Computed.Computed<number> }> // { readonly total: number }
 *
 * @since 0.4.0
 * @category type-level
 */
export type Values<C extends Fields> = { readonly [K in keyof C]: C[K] extends Computed<infer A> ? A : never }

/**
 * The expressions of computed properties, as `Model.c` has them.
 *
 * @example
 * import type { Computed } from "retort-orm"
 * type R = Computed.Refs<{ readonly total: Computed.Computed<number> }> // { readonly total: Expr<number> }
 *
 * @since 0.4.0
 * @category type-level
 */
export type Refs<C extends Fields> = { readonly [K in keyof C]: C[K] extends Computed<infer A> ? Expr<A> : never }
