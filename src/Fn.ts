/**
 * SQL functions, spelled per dialect by the compiler: aggregates (which decode to the
 * type of what they aggregate: a sum of a numeric column is a BigDecimal, a count a
 * number), string functions, `now`, and window functions.
 *
 * @since 0.1.0
 */
import type { DateTime } from "effect"
import type { Aggregate, Expr, Operand } from "./Expr.js"
import * as Ast from "./internal/ast/nodes.js"
import { type ExprLike, make, operand } from "./internal/expr.js"

const cast = <A>(e: ExprLike): any => e as unknown as A
const like = (e: Expr<any>) => e as unknown as ExprLike
const integer: Ast.ValueType = { _tag: "integer" }

/**
 * `COUNT(*)`, or `COUNT(expr)` (rows where `expr` is not NULL). A number.
 *
 * @example
 * import { Fn, Query } from "retort"
 * const total = Fn.count()
 *
 * @since 0.1.0
 * @category aggregates
 */
export const count = (expr?: Expr<any>): Aggregate<number> =>
  cast(make(Ast.func("count", expr === undefined ? [] : [expr.node], { star: expr === undefined }), integer, false))

/**
 * `COUNT(DISTINCT expr)`. A number.
 *
 * @example
 * import { Column, Fn, Table } from "retort"
 * class Sale extends Table.Class<Sale>("Sale")("sales", { id: Column.integer({ primaryKey: true }), customer: Column.text() }) {}
 * const customers = Fn.countDistinct(Sale.c.customer)
 *
 * @since 0.1.0
 * @category aggregates
 */
export const countDistinct = (expr: Expr<any>): Aggregate<number> =>
  cast(make(Ast.func("count", [expr.node], { distinct: true }), integer, false))

/**
 * `SUM(expr)`, of the expression's type (`NULL` over no rows): a sum of a numeric column
 * is a BigDecimal at the column's scale, exact.
 *
 * @example
 * import { Column, Fn, Table } from "retort"
 * class Sale extends Table.Class<Sale>("Sale")("sales", { id: Column.integer({ primaryKey: true }), amount: Column.numeric({ precision: 10, scale: 2 }) }) {}
 * const revenue = Fn.sum(Sale.c.amount) // Aggregate<BigDecimal | null>
 *
 * @since 0.1.0
 * @category aggregates
 */
export const sum = <A>(expr: Expr<A>): Aggregate<A | null> => {
  const type = like(expr).valueType
  // A sum can outgrow its column: decode integers as integers, decimals at the column's scale.
  const wide: Ast.ValueType = type._tag === "numeric" ? { _tag: "numeric", precision: 38, scale: type.scale } : type
  return cast(make(Ast.func("sum", [expr.node]), wide, true))
}

/**
 * `AVG(expr)` as a JavaScript number (`NULL` over no rows).
 *
 * @example
 * import { Column, Fn, Table } from "retort"
 * class Track extends Table.Class<Track>("Track")("tracks", { id: Column.integer({ primaryKey: true }), ms: Column.integer() }) {}
 * const mean = Fn.avg(Track.c.ms)
 *
 * @since 0.1.0
 * @category aggregates
 */
export const avg = (expr: Expr<any>): Aggregate<number | null> =>
  cast(make(Ast.func("avg", [expr.node]), { _tag: "float" }, true))

/**
 * `MIN(expr)`, of the expression's type.
 *
 * @example
 * import { Column, Fn, Table } from "retort"
 * class Track extends Table.Class<Track>("Track")("tracks", { id: Column.integer({ primaryKey: true }), ms: Column.integer() }) {}
 * const shortest = Fn.min(Track.c.ms)
 *
 * @since 0.1.0
 * @category aggregates
 */
export const min = <A>(expr: Expr<A>): Aggregate<A | null> => cast(make(Ast.func("min", [expr.node]), like(expr).valueType, true))

/**
 * `MAX(expr)`, of the expression's type.
 *
 * @example
 * import { Column, Fn, Table } from "retort"
 * class Track extends Table.Class<Track>("Track")("tracks", { id: Column.integer({ primaryKey: true }), ms: Column.integer() }) {}
 * const longest = Fn.max(Track.c.ms)
 *
 * @since 0.1.0
 * @category aggregates
 */
export const max = <A>(expr: Expr<A>): Aggregate<A | null> => cast(make(Ast.func("max", [expr.node]), like(expr).valueType, true))

/**
 * `COALESCE(expr, …fallbacks)`: the first value that is not NULL.
 *
 * @example
 * import { Column, Fn, Table } from "retort"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }), nick: Column.text({ nullable: true }) }) {}
 * const shown = Fn.coalesce(User.c.nick, "anonymous") // Expr<string>
 *
 * @since 0.1.0
 * @category functions
 */
export const coalesce = <A>(expr: Expr<A>, ...fallbacks: ReadonlyArray<Operand<A>>): Expr<NonNullable<A>> => {
  const first = like(expr)
  const last = fallbacks[fallbacks.length - 1]
  const nullable = last === undefined || (typeof last === "object" && last !== null && "nullable" in last && (last as ExprLike).nullable)
  return cast(make(Ast.func("coalesce", [first.node, ...fallbacks.map((f) => operand(f, first))]), first.valueType, nullable))
}

/**
 * `LOWER(expr)`.
 *
 * @example
 * import { Column, Fn, Table } from "retort"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }), email: Column.text() }) {}
 * const key = Fn.lower(User.c.email)
 *
 * @since 0.1.0
 * @category functions
 */
export const lower = <A extends string | null>(expr: Expr<A>): Expr<A> =>
  cast(make(Ast.func("lower", [expr.node]), { _tag: "text" }, like(expr).nullable))

/**
 * `UPPER(expr)`.
 *
 * @example
 * import { Column, Fn, Table } from "retort"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }), code: Column.text() }) {}
 * const shout = Fn.upper(User.c.code)
 *
 * @since 0.1.0
 * @category functions
 */
export const upper = <A extends string | null>(expr: Expr<A>): Expr<A> =>
  cast(make(Ast.func("upper", [expr.node]), { _tag: "text" }, like(expr).nullable))

/**
 * String concatenation (`||`, or `CONCAT` on MariaDB). NULL if any part is NULL.
 *
 * @example
 * import { Column, Fn, Table } from "retort"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }), first: Column.text(), last: Column.text() }) {}
 * const full = Fn.concat(User.c.first, " ", User.c.last)
 *
 * @since 0.1.0
 * @category functions
 */
export const concat = (...parts: ReadonlyArray<Expr<string> | Expr<string | null> | string>): Expr<string> => {
  const nodes = parts.map((p) => operand(p, undefined))
  const nullable = parts.some((p) => typeof p !== "string" && like(p as Expr<any>).nullable)
  return cast(make(Ast.func("concat", nodes), { _tag: "text" }, nullable))
}

/**
 * The current time in UTC, at the precision the column keeps: `CURRENT_TIMESTAMP` on
 * PostgreSQL (`AT TIME ZONE 'UTC'` for a column without time zone), `UTC_TIMESTAMP(6)` on
 * MariaDB, `strftime('%Y-%m-%d %H:%M:%f','now')` on SQLite; the current date for a date column.
 *
 * @example
 * import { Column, Fn } from "retort"
 * const createdAt = Column.dateTime({ serverDefault: Fn.now() })
 *
 * @since 0.1.0
 * @category functions
 */
export const now = (): Expr<DateTime.Utc> => cast(make(Ast.func("now"), { _tag: "dateTime", timezone: true, precision: 6 }, false))

/**
 * `ROW_NUMBER()`: use with `.over(…)`.
 *
 * @example
 * import { Column, Fn, Table } from "retort"
 * class Sale extends Table.Class<Sale>("Sale")("sales", { id: Column.integer({ primaryKey: true }) }) {}
 * const n = Fn.rowNumber().over({ orderBy: [Sale.c.id] })
 *
 * @since 0.1.0
 * @category window functions
 */
export const rowNumber = (): Aggregate<number> => cast(make(Ast.func("rowNumber"), integer, false))

/**
 * `RANK()`: use with `.over(…)`.
 *
 * @example
 * import { Column, Fn, Table } from "retort"
 * class Sale extends Table.Class<Sale>("Sale")("sales", { id: Column.integer({ primaryKey: true }), amount: Column.integer() }) {}
 * const r = Fn.rank().over({ orderBy: [Sale.c.amount.desc()] })
 *
 * @since 0.1.0
 * @category window functions
 */
export const rank = (): Aggregate<number> => cast(make(Ast.func("rank"), integer, false))

/**
 * `DENSE_RANK()`: use with `.over(…)`.
 *
 * @example
 * import { Column, Fn, Table } from "retort"
 * class Sale extends Table.Class<Sale>("Sale")("sales", { id: Column.integer({ primaryKey: true }), amount: Column.integer() }) {}
 * const r = Fn.denseRank().over({ orderBy: [Sale.c.amount.desc()] })
 *
 * @since 0.1.0
 * @category window functions
 */
export const denseRank = (): Aggregate<number> => cast(make(Ast.func("denseRank"), integer, false))
