/**
 * SQL expressions: typed, immutable, dialect-neutral. Column references (`User.c.age`),
 * function calls (`Fn.count()`), literals and subqueries are all expressions, with
 * comparison, arithmetic and ordering methods. Every value becomes a bound parameter.
 *
 * @module
 * @since 0.1.0
 */
import type { BigDecimal, Pipeable } from "effect"
import * as Ast from "./internal/ast/nodes.js"
import { ExprTypeId, type ExprLike, isExpr, make, operand, templateArg, typeOfValue } from "./internal/expr.js"
import type { IsJson, JsonAt, JsonKey } from "./internal/json.js"
import type { Window } from "./internal/windowTypes.js"

/**
 * The identifier of this module's values.
 *
 * @example
 * import { Expr } from "retort-orm"
 * const id = Expr.TypeId
 *
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: typeof ExprTypeId = ExprTypeId

/**
 * What a comparison with an `Expr<A>` accepts: a value of its type (not `null`: use
 * `isNull()`), or another expression of that type.
 *
 * @example
 * import type { Expr } from "retort-orm"
 * const age: Expr.Operand<number | null> = 30
 *
 * @since 0.1.0
 * @category models
 */
export type Operand<A> = NonNullable<A> | Expr<A> | Expr<NonNullable<A>> | Expr<A | null>

/**
 * An ordering term: `User.c.name.asc()`, `Fn.count().desc({ nulls: "last" })`.
 *
 * @example
 * import type { Expr } from "retort-orm"
 * const terms: ReadonlyArray<Expr.Order> = []
 *
 * @since 0.1.0
 * @category models
 */
export type Order = Ast.OrderTerm

type Numeric = number | bigint | BigDecimal.BigDecimal | null
type TextOperand = string | Expr<string> | Expr<string | null>

/**
 * The type of `a.div(b)`: a decimal stays a decimal, integers divide into a number.
 *
 * @example
 * import type { Expr } from "retort-orm"
 * type Q = Expr.Quotient<bigint | null> // number | null
 *
 * @since 0.3.0
 * @category type-level
 */
export type Quotient<A> = A extends BigDecimal.BigDecimal ? BigDecimal.BigDecimal : A extends null ? null : number

/**
 * The type of `a.floorDiv(b)`: the dividend's type (a bigint stays a bigint).
 *
 * @example
 * import type { Expr } from "retort-orm"
 * type Q = Expr.FloorQuotient<bigint> // bigint
 *
 * @since 0.3.0
 * @category type-level
 */
export type FloorQuotient<A> = A extends BigDecimal.BigDecimal ? BigDecimal.BigDecimal : A extends bigint ? bigint : A extends null ? null : number

/**
 * An SQL expression whose value has the TypeScript type `A`.
 *
 * @example
 * import { Column, Expr, Table } from "retort-orm"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }), age: Column.integer({ nullable: true }) }) {}
 * const adult: Expr.Expr<boolean> = User.c.age.gte(18)
 *
 * @since 0.1.0
 * @category models
 */
export interface Expr<A> extends Pipeable.Pipeable {
  readonly [ExprTypeId]: true
  /** Phantom: the value's type. */
  readonly "~type"?: A
  readonly node: Ast.Node
  readonly valueType: Ast.ValueType
  readonly nullable: boolean
  readonly alias: string | undefined
  eq(that: Operand<A>): Expr<boolean>
  ne(that: Operand<A>): Expr<boolean>
  gt(that: Operand<A>): Expr<boolean>
  gte(that: Operand<A>): Expr<boolean>
  lt(that: Operand<A>): Expr<boolean>
  lte(that: Operand<A>): Expr<boolean>
  /** `IN (…)`: a list of values (an empty list is false) or a one-column query. */
  in(values: ReadonlyArray<NonNullable<A>> | { readonly "~column"?: A | NonNullable<A> }): Expr<boolean>
  notIn(values: ReadonlyArray<NonNullable<A>> | { readonly "~column"?: A | NonNullable<A> }): Expr<boolean>
  /** `LIKE`; `escape` names the character that escapes `%` and `_` in the pattern (see `Expr.escapeLike`). */
  like(pattern: [A] extends [string | null] ? string | Expr<string> | Expr<string | null> : never, options?: { readonly escape?: string }): Expr<boolean>
  /** Case-insensitive `LIKE` (`ILIKE` on PostgreSQL, `LOWER(…) LIKE LOWER(…)` elsewhere). */
  ilike(pattern: [A] extends [string | null] ? string | Expr<string> | Expr<string | null> : never, options?: { readonly escape?: string }): Expr<boolean>
  isNull(): Expr<boolean>
  isNotNull(): Expr<boolean>
  between(low: Operand<A>, high: Operand<A>): Expr<boolean>
  plus(that: [A] extends [Numeric] ? Operand<A> | Expr<Numeric> : never): Expr<A>
  minus(that: [A] extends [Numeric] ? Operand<A> | Expr<Numeric> : never): Expr<A>
  times(that: [A] extends [Numeric] ? Operand<A> | Expr<Numeric> : never): Expr<A>
  /**
   * True division, the same on every database: `15 / 10` is 1.5 for integers too (read as a
   * number), decimals divide exactly. A zero divisor expression gives NULL; a zero value is refused.
   */
  div(that: [A] extends [Numeric] ? NonNullable<A> : never): Expr<Quotient<A>>
  div(that: [A] extends [Numeric] ? Operand<A> | Expr<Numeric> : never): Expr<Quotient<A> | null>
  /** Floor division: rounds toward minus infinity (`-15 // 10` is -2), integers stay integers. */
  floorDiv(that: [A] extends [Numeric] ? NonNullable<A> : never): Expr<FloorQuotient<A>>
  floorDiv(that: [A] extends [Numeric] ? Operand<A> | Expr<Numeric> : never): Expr<FloorQuotient<A> | null>
  /** `IS DISTINCT FROM`: `<>` in which NULL is a value (NULL is distinct from 1, not from NULL). */
  isDistinctFrom(that: null): Expr<boolean>
  isDistinctFrom(that: Operand<A>): Expr<boolean>
  /** `IS NOT DISTINCT FROM`: `=` in which NULL equals NULL. */
  isNotDistinctFrom(that: null): Expr<boolean>
  isNotDistinctFrom(that: Operand<A>): Expr<boolean>
  /** A regular expression match (a bound parameter); `flags: "i"` ignores case. */
  regexpMatch(pattern: [A] extends [string | null] ? TextOperand : never, options?: { readonly flags?: "" | "i" }): Expr<boolean>
  /** Replaces every match; `\1` … `\9` in the replacement are the groups. */
  regexpReplace(
    pattern: [A] extends [string | null] ? TextOperand : never,
    replacement: [A] extends [string | null] ? TextOperand : never,
    options?: { readonly flags?: "" | "i" }
  ): Expr<A>
  /** Begins with `text`, matched literally and case-sensitively (unless `caseInsensitive`). */
  startsWith(text: [A] extends [string | null] ? TextOperand : never, options?: { readonly caseInsensitive?: boolean }): Expr<boolean>
  /** Ends with `text`, matched literally and case-sensitively (unless `caseInsensitive`). */
  endsWith(text: [A] extends [string | null] ? TextOperand : never, options?: { readonly caseInsensitive?: boolean }): Expr<boolean>
  /** Contains `text`, matched literally and case-sensitively (unless `caseInsensitive`). */
  contains(text: [A] extends [string | null] ? TextOperand : never, options?: { readonly caseInsensitive?: boolean }): Expr<boolean>
  asc(options?: { readonly nulls?: "first" | "last" }): Order
  desc(options?: { readonly nulls?: "first" | "last" }): Order
  /** The same expression under an output name. */
  as(alias: string): Expr<A>
  // --- JSON (issue 14)
  // The JSON methods take their types from `this` (`T`, `J`), not from `A`: a condition on `A`
  // in a member would make TypeScript compare expressions structurally, not by variance.
  /**
   * The JSON value at an object key or array index (NULL where there is none). Only on JSON
   * values: a json column whose type is an object, an array or `unknown`, or a `get` result.
   */
  get<T, K extends JsonKey<T>>(this: { readonly "~type"?: T }, key: K): JsonExpr<JsonAt<T, K>>
  /** The JSON string here, unquoted; NULL for a value of another JSON type. Only on JSON values. */
  asString<T, J = false>(this: JsonSelf<T, J>): Expr<string | null>
  /** The JSON number here; NULL for a value of another JSON type (the string "3" too). Only on JSON values. */
  asNumber<T, J = false>(this: JsonSelf<T, J>): Expr<number | null>
  /** The JSON boolean here; NULL for a value of another JSON type. Only on JSON values. */
  asBoolean<T, J = false>(this: JsonSelf<T, J>): Expr<boolean | null>
}

// --- JSON (issue 14)

/** A receiver of the scalar JSON methods: a JSON column, or a path into one (`J`); `never` otherwise. */
type JsonSelf<T, J> = { readonly "~type"?: T; readonly "~json"?: J } & ([J] extends [true] ? unknown : IsJson<T> extends true ? unknown : never)

/**
 * A value inside a JSON document (`Post.c.doc.get("a").get(0)`): it reads back as JSON, as
 * stored (without the column's Schema), and has `asString`, `asNumber` and `asBoolean`
 * whatever its type, and `get` where its type has keys. A path that is not there is NULL on
 * every database.
 *
 * @example
 * import { Schema } from "effect"
 * import { Column, type Expr, Table } from "retort-orm"
 * class Post extends Table.Class<Post>("Post")("posts", { id: Column.integer({ primaryKey: true }), doc: Column.json(Schema.Struct({ a: Schema.Array(Schema.Number) })) }) {}
 * const first: Expr.JsonExpr<number | null> = Post.c.doc.get("a").get(0)
 * const big: Expr.Expr<boolean> = first.asNumber().gt(3)
 *
 * @since 0.3.0
 * @category models
 */
export interface JsonExpr<A> extends Expr<A> {
  /** Phantom: a JSON value, whatever `A` is. */
  readonly "~json"?: true
}

export type {
  /**
   * The keys `get` takes on a JSON value of type `A`: indexes of an array, keys of an object,
   * any key or index of `unknown`.
   *
   * @example
   * import type { Expr } from "retort-orm"
   * type K = Expr.JsonKey<{ readonly a: number }> // "a"
   *
   * @since 0.3.0
   * @category type-level
   */
  JsonKey,
  /**
   * The type at key `K` of a JSON value of type `A`, or `null` (a missing path).
   *
   * @example
   * import type { Expr } from "retort-orm"
   * type V = Expr.JsonAt<{ readonly a: number }, "a"> // number | null
   *
   * @since 0.3.0
   * @category type-level
   */
  JsonAt
}

/**
 * An aggregate or ranking function: it can run over a window.
 *
 * @example
 * import { Column, Fn, Table } from "retort-orm"
 * class Sale extends Table.Class<Sale>("Sale")("sales", { id: Column.integer({ primaryKey: true }), region: Column.text() }) {}
 * const rank = Fn.rank().over({ partitionBy: [Sale.c.region], orderBy: [Sale.c.id.desc()] })
 *
 * @since 0.1.0
 * @category models
 */
export interface Aggregate<A> extends Expr<A> {
  over(window?: Window): Expr<A>
}

export type { Frame, FrameBound, Window, WindowFunction } from "./internal/windowTypes.js"

/**
 * The value type of an expression.
 *
 * @example
 * import type { Expr } from "retort-orm"
 * type B = Expr.TypeOf<Expr.Expr<boolean>> // boolean
 *
 * @since 0.1.0
 * @category type-level
 */
export type TypeOf<E> = E extends { readonly "~type"?: infer A } ? A : never

/**
 * Is this an expression?
 *
 * @example
 * import { Expr } from "retort-orm"
 * Expr.isExpr(Expr.literal(1)) // true
 *
 * @since 0.1.0
 * @category guards
 */
export const isExpression: (u: unknown) => u is Expr<unknown> = isExpr as any

export {
  /**
   * Is this an expression?
   *
   * @example
   * import { Expr } from "retort-orm"
   * Expr.isExpr(Expr.literal(1)) // true
   *
   * @since 0.1.0
   * @category guards
   */
  isExpression as isExpr
}

const asExpr = <A>(e: ExprLike): Expr<A> => e as unknown as Expr<A>
const bool = (node: Ast.Node) => asExpr<boolean>(make(node, { _tag: "boolean" }, false))

const chain = (op: "AND" | "OR", conditions: ReadonlyArray<Expr<boolean> | Expr<boolean | null>>): Expr<boolean> => {
  if (conditions.length === 0) return literal(op === "AND")
  return bool(conditions.map((c) => c.node).reduce((left, right) => ({ _tag: "Binary", op, left, right })))
}

/**
 * All conditions hold (`TRUE` for none).
 *
 * @example
 * import { Column, Expr, Table } from "retort-orm"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }), age: Column.integer() }) {}
 * const teen = Expr.and(User.c.age.gte(13), User.c.age.lte(19))
 *
 * @since 0.1.0
 * @category logic
 */
export const and = (...conditions: ReadonlyArray<Expr<boolean> | Expr<boolean | null>>): Expr<boolean> => chain("AND", conditions)

/**
 * Any condition holds (`FALSE` for none).
 *
 * @example
 * import { Column, Expr, Table } from "retort-orm"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }), age: Column.integer() }) {}
 * const edge = Expr.or(User.c.age.lt(13), User.c.age.gt(90))
 *
 * @since 0.1.0
 * @category logic
 */
export const or = (...conditions: ReadonlyArray<Expr<boolean> | Expr<boolean | null>>): Expr<boolean> => chain("OR", conditions)

/**
 * The negation of a condition.
 *
 * @example
 * import { Column, Expr, Table } from "retort-orm"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }), age: Column.integer() }) {}
 * const notTeen = Expr.not(User.c.age.between(13, 19))
 *
 * @since 0.1.0
 * @category logic
 */
export const not = (condition: Expr<boolean> | Expr<boolean | null>): Expr<boolean> => bool({ _tag: "Not", operand: condition.node })

/**
 * `EXISTS (subquery)`.
 *
 * @example
 * import { Column, Expr, Query, Table } from "retort-orm"
 * class A extends Table.Class<A>("A")("a", { id: Column.integer({ primaryKey: true }) }) {}
 * class B extends Table.Class<B>("B")("b", { id: Column.integer({ primaryKey: true }), aId: Column.integer() }) {}
 * const hasB = Expr.exists(Query.select({ id: B.c.id }).from(B).where(B.c.aId.eq(A.c.id)))
 *
 * @since 0.1.0
 * @category logic
 */
export const exists = (query: { readonly node: Ast.SelectStatement }): Expr<boolean> =>
  bool({ _tag: "Exists", query: query.node, negated: false })

/**
 * `NOT EXISTS (subquery)`.
 *
 * @example
 * import { Column, Expr, Query, Table } from "retort-orm"
 * class A extends Table.Class<A>("A")("a", { id: Column.integer({ primaryKey: true }) }) {}
 * class B extends Table.Class<B>("B")("b", { id: Column.integer({ primaryKey: true }), aId: Column.integer() }) {}
 * const lonely = Expr.notExists(Query.select({ id: B.c.id }).from(B).where(B.c.aId.eq(A.c.id)))
 *
 * @since 0.1.0
 * @category logic
 */
export const notExists = (query: { readonly node: Ast.SelectStatement }): Expr<boolean> =>
  bool({ _tag: "Exists", query: query.node, negated: true })

/**
 * `CASE WHEN … THEN … ELSE … END`. The result type is the type of the `then` values.
 *
 * @example
 * import { Column, Expr, Table } from "retort-orm"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }), age: Column.integer() }) {}
 * const group = Expr.case([[User.c.age.lt(18), "minor"]], "adult")
 *
 * @since 0.1.0
 * @category constructors
 */
const case_ = <A>(whens: ReadonlyArray<readonly [Expr<boolean> | Expr<boolean | null>, A | Expr<A>]>, otherwise?: A | Expr<A>): Expr<A> => {
  const results: ReadonlyArray<unknown> = [...whens.map(([, value]) => value), ...(otherwise === undefined ? [] : [otherwise])]
  // The results take their type from the first one that is an expression; when all are
  // plain values, from the first value, and each is bound with that type spelled out.
  const like = results.find(isExpr) as ExprLike | undefined
  const plainType = like === undefined ? typeOfValue(results.find((r) => r !== null && r !== undefined)) : undefined
  const type = like?.valueType ?? plainType ?? { _tag: "unknown" as const }
  const result = (value: unknown): Ast.Node =>
    like !== undefined || plainType === undefined || isExpr(value) ? operand(value, like) : Ast.param(value, typeOfValue(value) ?? plainType, true, true)
  const nodes = whens.map(([condition, value]) => [condition.node, result(value)] as const)
  return asExpr<A>(make({ _tag: "Case", whens: nodes, otherwise: otherwise === undefined ? undefined : result(otherwise) }, type, otherwise === undefined))
}

export { case_ as case }

/**
 * A constant, bound as a parameter in statements and written inline in DDL (a server default).
 *
 * @example
 * import { Column, Expr } from "retort-orm"
 * const status = Column.string({ length: 10, serverDefault: Expr.literal("new") })
 *
 * @since 0.1.0
 * @category constructors
 */
export const literal: {
  (value: string): Expr<string>
  (value: number): Expr<number>
  (value: boolean): Expr<boolean>
  (value: bigint): Expr<bigint>
  (value: null): Expr<null>
} = (value: string | number | boolean | bigint | null): any =>
  make(Ast.literal(value), typeOfValue(value) ?? { _tag: "unknown" }, value === null)

/**
 * SQL text used as is, for what retort cannot express (a server default, a CHECK, a
 * database-specific function). It is never given user input: values belong in parameters.
 * As a tagged template, interpolated expressions are written as their SQL and any other
 * value is a bound parameter typed by its JavaScript value (as `Expr.literal`); a query
 * interpolated is a scalar subquery.
 *
 * @example
 * import { Column, Expr, Table } from "retort-orm"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const score = Column.integer({ serverDefault: Expr.raw("0"), check: Expr.raw("score >= 0") })
 * const named = Expr.raw<boolean>`lower(${User.c.name}) = ${"ann"}`
 *
 * @since 0.1.0
 * @category constructors
 */
export const raw: {
  <A = unknown>(sql: string): Expr<A>
  <A = unknown>(strings: TemplateStringsArray, ...values: ReadonlyArray<unknown>): Expr<A>
} = <A>(sql: string | TemplateStringsArray, ...values: ReadonlyArray<unknown>): Expr<A> => {
  if (typeof sql === "string") return asExpr<A>(make(Ast.raw(sql), { _tag: "unknown" }, true))
  if (!Array.isArray(sql) || !sql.every((s) => typeof s === "string")) throw new TypeError("Expr.raw takes SQL text or is used as a tagged template")
  return asExpr<A>(make({ _tag: "Template", strings: [...sql], args: values.map(templateArg) }, { _tag: "unknown" }, true))
}

export { cast, isDistinctFrom, isNotDistinctFrom, type Tuple, type TupleQuery, type TupleRow, tuple } from "./internal/exprConstructs.js"

/**
 * Escapes `%`, `_` and the escape character itself in a string that should match
 * literally inside a LIKE pattern; pass the same `escape` to `like`.
 *
 * @example
 * import { Column, Expr, Table } from "retort-orm"
 * class File extends Table.Class<File>("File")("files", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const percentFiles = File.c.name.like(`%${Expr.escapeLike("100%")}%`, { escape: "\\" })
 *
 * @since 0.1.0
 * @category constructors
 */
export const escapeLike = (text: string, escape = "\\"): string =>
  text.replace(new RegExp(`[${escape.replace(/[\\\]^-]/g, "\\$&")}%_]`, "g"), (c) => `${escape}${c}`)
