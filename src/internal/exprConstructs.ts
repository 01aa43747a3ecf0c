/**
 * The expression constructors of issue 14 behind `Expr`: `isDistinctFrom`, tuples (`IN` on
 * several columns) and `cast`. Re-exported by `src/Expr.ts`, which holds the `Expr` interface.
 */
import * as Column from "../Column.js"
import type { Expr, Operand, TypeOf } from "../Expr.js"
import type * as Ast from "./ast/nodes.js"
import { type ExprLike, isExpr, make, tupleList } from "./expr.js"

const asExpr = <A>(e: ExprLike): Expr<A> => e as unknown as Expr<A>
const bool = (node: Ast.Node) => asExpr<boolean>(make(node, { _tag: "boolean" }, false))

/**
 * `a IS DISTINCT FROM b`: inequality in which NULL is a value like any other.
 *
 * @example
 * import { Column, Expr, Table } from "retort-orm"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }), age: Column.integer({ nullable: true }) }) {}
 * const changed = Expr.isDistinctFrom(User.c.age, null) // age IS NOT NULL
 *
 * @since 0.3.0
 * @category comparisons
 */
export const isDistinctFrom = <A>(a: Expr<A>, b: Operand<A> | null): Expr<boolean> => a.isDistinctFrom(b as Operand<A>)

/**
 * `a IS NOT DISTINCT FROM b`: equality in which NULL equals NULL.
 *
 * @example
 * import { Column, Expr, Table } from "retort-orm"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }), age: Column.integer({ nullable: true }), managerAge: Column.integer({ nullable: true }) }) {}
 * const same = Expr.isNotDistinctFrom(User.c.age, User.c.managerAge)
 *
 * @since 0.3.0
 * @category comparisons
 */
export const isNotDistinctFrom = <A>(a: Expr<A>, b: Operand<A> | null): Expr<boolean> => a.isNotDistinctFrom(b as Operand<A>)

/**
 * A row value `(a, b, …)` of expressions, compared with a list of rows or a query of as many columns.
 *
 * @example
 * import { Column, Expr, Table } from "retort-orm"
 * class Seat extends Table.Class<Seat>("Seat")("seats", { id: Column.integer({ primaryKey: true }), row: Column.text(), num: Column.integer() }) {}
 * const taken = Expr.tuple(Seat.c.row, Seat.c.num).in([["A", 1], ["B", 7]])
 *
 * @since 0.3.0
 * @category models
 */
export interface Tuple<T extends ReadonlyArray<unknown>> {
  readonly node: Ast.Node
  /** `(a, b) IN (…)`: rows of values, each encoded as its element's column (an empty list is false), or a query. */
  in(rows: ReadonlyArray<TupleRow<T>> | TupleQuery): Expr<boolean>
  /** `(a, b) NOT IN (…)` (an empty list is true). */
  notIn(rows: ReadonlyArray<TupleRow<T>> | TupleQuery): Expr<boolean>
}

/**
 * One row of values for a tuple `IN`: a value of each element's type, in order.
 *
 * @example
 * import type { Expr } from "retort-orm"
 * const row: Expr.TupleRow<[string, number | null]> = ["A", 1]
 *
 * @since 0.3.0
 * @category models
 */
export type TupleRow<T extends ReadonlyArray<unknown>> = { readonly [K in keyof T]: NonNullable<T[K]> }

/**
 * A query on the right of a tuple `IN`: a select of as many columns as the tuple (checked when built).
 *
 * @example
 * import type { Expr } from "retort-orm"
 * const accepts = (q: Expr.TupleQuery) => q
 *
 * @since 0.3.0
 * @category models
 */
export interface TupleQuery {
  readonly node: Ast.SelectStatement
  readonly "~result"?: ReadonlyArray<unknown>
}

/**
 * A row value of expressions, for `IN` on several columns at once.
 *
 * @example
 * import { Column, Expr, Table } from "retort-orm"
 * class Seat extends Table.Class<Seat>("Seat")("seats", { id: Column.integer({ primaryKey: true }), row: Column.text(), num: Column.integer() }) {}
 * const free = Expr.tuple(Seat.c.row, Seat.c.num).notIn([["A", 1]])
 *
 * @since 0.3.0
 * @category constructors
 */
export const tuple = <const E extends readonly [Expr<any>, ...Array<Expr<any>>]>(
  ...elements: E
): Tuple<{ readonly [K in keyof E]: TypeOf<E[K]> }> => {
  const exprs = elements as unknown as ReadonlyArray<ExprLike>
  if (exprs.length === 0 || !exprs.every(isExpr)) throw new TypeError("Expr.tuple takes one or more expressions")
  const node: Ast.Tuple = { _tag: "Tuple", elements: exprs.map((e) => e.node) }
  const membership = (rows: unknown, negated: boolean) => bool({ _tag: "In", operand: node, list: tupleList(exprs, rows), negated })
  return {
    node,
    in: (rows) => membership(rows, false),
    notIn: (rows) => membership(rows, true)
  }
}

/**
 * `CAST(e AS …)` to the type of a column definition, read back as that column type. Each
 * database spells the target; a target it cannot cast to fails when compiled (an
 * EncodeError naming the database), such as a date-time on SQLite or JSON on MariaDB.
 *
 * @example
 * import { Column, Expr, Table } from "retort-orm"
 * class Row extends Table.Class<Row>("Row")("rows", { id: Column.integer({ primaryKey: true }), code: Column.text() }) {}
 * const code = Expr.cast(Row.c.code, Column.integer()) // Expr<number>
 *
 * @since 0.3.0
 * @category constructors
 */
export const cast = <A, C extends Column.Any>(
  e: Expr<A>,
  target: C
): Expr<NonNullable<Column.Type<C>> | (null extends A ? null : never)> => {
  if (!isExpr(e)) throw new TypeError("Expr.cast takes an expression")
  if (!Column.isColumn(target)) throw new TypeError("Expr.cast takes a column definition (Column.integer(), Column.text(), …) as its target")
  const type = Column.definition(target).type
  return asExpr(make({ _tag: "Cast", operand: e.node, type }, type, e.nullable))
}
