/**
 * SQL functions, spelled per dialect by the compiler: aggregates (which decode to the
 * type of what they aggregate: a sum of a numeric column is a BigDecimal, a count a
 * number), string functions, `now`, and window functions.
 *
 * @module
 * @since 0.1.0
 */
import type { DateTime } from "effect"
import type { Aggregate, Expr, Operand, WindowFunction } from "./Expr.js"
import * as Ast from "./internal/ast/nodes.js"
import { type ExprLike, make, operand } from "./internal/expr.js"

const cast = <A>(e: ExprLike): any => e as unknown as A
const like = (e: Expr<any>) => e as unknown as ExprLike
const integer: Ast.ValueType = { _tag: "integer" }

/**
 * `COUNT(*)`, or `COUNT(expr)` (rows where `expr` is not NULL). A number.
 *
 * @example
 * import { Fn, Query } from "retort-orm"
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
 * import { Column, Fn, Table } from "retort-orm"
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
 * import { Column, Fn, Table } from "retort-orm"
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
 * import { Column, Fn, Table } from "retort-orm"
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
 * import { Column, Fn, Table } from "retort-orm"
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
 * import { Column, Fn, Table } from "retort-orm"
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
 * import { Column, Fn, Table } from "retort-orm"
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
 * import { Column, Fn, Table } from "retort-orm"
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
 * import { Column, Fn, Table } from "retort-orm"
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
 * import { Column, Fn, Table } from "retort-orm"
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
 * The length of a text in characters (`CHAR_LENGTH`, `LENGTH` on SQLite): code points, not
 * bytes nor UTF-16 units. NULL for NULL.
 *
 * @example
 * import { Column, Fn, Table } from "retort-orm"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const long = Fn.length(User.c.name).gt(20)
 *
 * @since 0.4.0
 * @category functions
 */
export const length = <A extends string | null>(expr: Expr<A>): Expr<number | (null extends A ? null : never)> =>
  cast(make(Ast.func("length", [expr.node]), integer, like(expr).nullable))

/**
 * The current time in UTC, at the precision the column keeps: `CURRENT_TIMESTAMP` on
 * PostgreSQL (`AT TIME ZONE 'UTC'` for a column without time zone), `UTC_TIMESTAMP(6)` on
 * MariaDB, `strftime('%Y-%m-%d %H:%M:%f','now')` on SQLite; the current date for a date column.
 *
 * @example
 * import { Column, Fn } from "retort-orm"
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
 * import { Column, Fn, Table } from "retort-orm"
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
 * import { Column, Fn, Table } from "retort-orm"
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
 * import { Column, Fn, Table } from "retort-orm"
 * class Sale extends Table.Class<Sale>("Sale")("sales", { id: Column.integer({ primaryKey: true }), amount: Column.integer() }) {}
 * const r = Fn.denseRank().over({ orderBy: [Sale.c.amount.desc()] })
 *
 * @since 0.1.0
 * @category window functions
 */
export const denseRank = (): Aggregate<number> => cast(make(Ast.func("denseRank"), integer, false))

// --- windows (issue 14)

const window = <A>(e: ExprLike): WindowFunction<A> => e as unknown as WindowFunction<A>

/** A count written into the SQL (MariaDB takes no parameter there): checked to be a whole number. */
const count_ = (n: unknown, min: number, what: string): number => {
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < min) {
    throw new TypeError(`${what} must be a whole number of at least ${min}, not ${String(n)}`)
  }
  return n
}

const shift = <A>(name: "lag" | "lead", expr: Expr<A>, offset: number, fallback: Operand<A> | undefined): WindowFunction<A | null> => {
  const self = like(expr)
  const args = [self.node, Ast.literal(count_(offset, 0, `the ${name}() offset`))]
  if (fallback !== undefined) args.push(operand(fallback, self))
  return window(make(Ast.func(name, args), self.valueType, true))
}

/**
 * `LAG(expr, offset, default)`: the value `offset` rows (1 by default) before this one in
 * the window, or `default` (NULL when not given) where there is none. Use with `.over(…)`.
 * On MariaDB, which takes no default, the default is chosen from the row's position.
 *
 * @example
 * import { Column, Fn, Table } from "retort-orm"
 * class Sale extends Table.Class<Sale>("Sale")("sales", { id: Column.integer({ primaryKey: true }), amount: Column.integer() }) {}
 * const previous = Fn.lag(Sale.c.amount, 1, 0).over({ orderBy: [Sale.c.id] })
 *
 * @since 0.3.0
 * @category window functions
 */
export const lag = <A>(expr: Expr<A>, offset = 1, fallback?: Operand<A>): WindowFunction<A | null> => shift("lag", expr, offset, fallback)

/**
 * `LEAD(expr, offset, default)`: the value `offset` rows (1 by default) after this one in
 * the window, or `default` (NULL when not given) where there is none. Use with `.over(…)`.
 *
 * @example
 * import { Column, Fn, Table } from "retort-orm"
 * class Sale extends Table.Class<Sale>("Sale")("sales", { id: Column.integer({ primaryKey: true }), amount: Column.integer() }) {}
 * const next = Fn.lead(Sale.c.amount).over({ orderBy: [Sale.c.id] })
 *
 * @since 0.3.0
 * @category window functions
 */
export const lead = <A>(expr: Expr<A>, offset = 1, fallback?: Operand<A>): WindowFunction<A | null> => shift("lead", expr, offset, fallback)

/**
 * `NTILE(n)`: the bucket (1 to `n`) of the row when the window's rows are dealt into `n`
 * buckets as even as can be. Use with `.over(…)`.
 *
 * @example
 * import { Column, Fn, Table } from "retort-orm"
 * class Sale extends Table.Class<Sale>("Sale")("sales", { id: Column.integer({ primaryKey: true }), amount: Column.integer() }) {}
 * const half = Fn.ntile(2).over({ orderBy: [Sale.c.amount] })
 *
 * @since 0.3.0
 * @category window functions
 */
export const ntile = (buckets: number): WindowFunction<number> =>
  window(make(Ast.func("ntile", [Ast.literal(count_(buckets, 1, "the ntile() bucket count"))]), integer, false))

/**
 * `FIRST_VALUE(expr)`: the value at the first row of the frame. Use with `.over(…)`.
 *
 * @example
 * import { Column, Fn, Table } from "retort-orm"
 * class Sale extends Table.Class<Sale>("Sale")("sales", { id: Column.integer({ primaryKey: true }), amount: Column.integer() }) {}
 * const opening = Fn.firstValue(Sale.c.amount).over({ orderBy: [Sale.c.id] })
 *
 * @since 0.3.0
 * @category window functions
 */
export const firstValue = <A>(expr: Expr<A>): WindowFunction<A | null> =>
  window(make(Ast.func("firstValue", [expr.node]), like(expr).valueType, true))

/**
 * `LAST_VALUE(expr)`: the value at the last row of the frame. The default frame ends at the
 * current row: give `rows: { start: "unboundedPreceding", end: "unboundedFollowing" }` for
 * the last row of the partition.
 *
 * @example
 * import { Column, Fn, Table } from "retort-orm"
 * class Sale extends Table.Class<Sale>("Sale")("sales", { id: Column.integer({ primaryKey: true }), amount: Column.integer() }) {}
 * const closing = Fn.lastValue(Sale.c.amount).over({ orderBy: [Sale.c.id], rows: { start: "unboundedPreceding", end: "unboundedFollowing" } })
 *
 * @since 0.3.0
 * @category window functions
 */
export const lastValue = <A>(expr: Expr<A>): WindowFunction<A | null> =>
  window(make(Ast.func("lastValue", [expr.node]), like(expr).valueType, true))
