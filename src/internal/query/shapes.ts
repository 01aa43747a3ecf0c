/**
 * The public types every statement builder shares: shapes of selections, rows, sources,
 * subqueries and CTEs, and what a compiled statement is. Re-exported by `src/Query.ts`.
 */
import { Pipeable, type Types } from "effect"
import type * as Column from "../../Column.js"
import * as Dialect from "../../Dialect.js"
import type * as ExprModule from "../../Expr.js"
import * as Ast from "../ast/nodes.js"
import { type Compiled } from "../compiler.js"
import * as Table from "../../Table.js"


type Expr<A> = ExprModule.Expr<A>

/**
 * The identifier of this module's values.
 *
 * @example
 * import { Query } from "retort-orm"
 * const id = Query.TypeId
 *
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("retort/Query")

// --- types -----------------------------------------------------------------------------

/**
 * A record of expressions to select: its keys name the result's fields.
 *
 * @example
 * import { Column, Fn, Table, type Query } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const shape = { name: Tag.c.name, n: Fn.count() } satisfies Query.Shape
 *
 * @since 0.1.0
 * @category models
 */
export type Shape = { readonly [key: string]: Expr<any> }

/** The result type of one selected expression; columns of left-joined sources may be null. */
/** @internal */
export type ValueOf<E, Nullable> = E extends Column.Ref<infer M, any, infer A> ? ([M] extends [Nullable] ? A | null : A)
  : E extends { readonly "~source"?: infer Src; readonly "~type"?: infer A } ? ([Src] extends [Nullable] ? A | null : A)
  : E extends Expr<infer A> ? A
  : never

/** A column of a subquery or CTE: an expression that knows its source, for LEFT JOIN nullability. */
/** @internal */
export type SourceExpr<A, Src> = Expr<A> & { readonly "~source"?: Src }

/**
 * The row type of a selection.
 *
 * @example
 * import type { Expr, Query } from "retort-orm"
 * type R = Query.RowOf<{ n: Expr.Expr<number> }> // { readonly n: number }
 *
 * @since 0.1.0
 * @category type-level
 */
export type RowOf<S extends Shape, Nullable = never> = Types.Simplify<{ readonly [K in keyof S]: ValueOf<S[K], Nullable> }>

/**
 * Something to select from or join: a model, an alias of one, a subquery or a CTE.
 *
 * @example
 * import type { Query } from "retort-orm"
 * const sources: ReadonlyArray<Query.Source> = []
 *
 * @since 0.1.0
 * @category models
 */
export type Source = Table.Any | Table.Alias<any, string> | Subquery<any, string> | Cte<any, string>

/** @internal */
export type ModelOf<S> = S extends Table.Any ? InstanceType<S>
  : S extends Table.Alias<any, infer Name> ? Table.Aliased<S["model"], Name>
  : S extends { readonly "~source"?: infer Src } ? Src
  : never

/**
 * A subquery in FROM: `Query.select(…).as("x")`. Its columns are `sub.c.<key>`.
 *
 * @example
 * import { Column, Fn, Query, Table } from "retort-orm"
 * class Sale extends Table.Class<Sale>("Sale")("sales", { id: Column.integer({ primaryKey: true }), region: Column.text() }) {}
 * const perRegion = Query.select({ region: Sale.c.region, n: Fn.count() }).from(Sale).groupBy(Sale.c.region).as("per_region")
 * const busy = Query.select({ region: perRegion.c.region }).from(perRegion).where(perRegion.c.n.gt(10))
 *
 * @since 0.1.0
 * @category models
 */
export interface Subquery<S extends Shape, Name extends string = string> {
  readonly _tag: "Subquery"
  readonly alias: Name
  readonly source: Ast.SubquerySource
  readonly "~source"?: { readonly "~subquery": Name }
  readonly c: { readonly [K in keyof S]: SourceExpr<ValueOf<S[K], never>, { readonly "~subquery": Name }> }
}

/**
 * A common table expression: `Query.with("name", query)` or `Query.withRecursive(…)`.
 * Select from it or join it like a table; its WITH clause is written for you.
 *
 * @example
 * import { Column, Query, Table } from "retort-orm"
 * class Sale extends Table.Class<Sale>("Sale")("sales", { id: Column.integer({ primaryKey: true }), amount: Column.integer() }) {}
 * const big = Query.with("big_sales", Query.select({ id: Sale.c.id }).from(Sale).where(Sale.c.amount.gt(100)))
 * const q = Query.select({ id: big.c.id }).from(big)
 *
 * @since 0.1.0
 * @category models
 */
export interface Cte<S extends Shape, Name extends string = string> {
  readonly _tag: "Cte"
  readonly name: Name
  readonly source: Ast.CteSource
  readonly "~source"?: { readonly "~cte": Name }
  readonly c: { readonly [K in keyof S]: SourceExpr<ValueOf<S[K], never>, { readonly "~cte": Name }> }
}

/**
 * Shared by every query: its AST node, the compiled SQL, and `pipe`.
 *
 * @example
 * import type { Query } from "retort-orm"
 * const show = (q: Query.Compilable) => q.toSql("postgresql").sql
 *
 * @since 0.1.0
 * @category models
 */
export interface Compilable extends Pipeable.Pipeable {
  readonly [TypeId]: Ast.Statement["_tag"]
  readonly node: Ast.Statement
  /**
   * The SQL and parameters for a dialect (the first statement, for an insert split in
   * several). Throws the `EncodeError` that `Query.execute` would fail with, for a value
   * its column refuses.
   */
  readonly toSql: (dialect: Dialect.Dialect | Dialect.DialectName) => Compiled
}


/**
 * What a query gives when run.
 *
 * @example
 * import type { Query } from "retort-orm"
 * type Rows<Q> = Query.Result<Q>
 *
 * @since 0.1.0
 * @category type-level
 */
export type Result<Q> = Q extends { readonly "~result"?: infer R } ? R : never

/**
 * Options of a row lock (`forUpdate`, `forShare`): what to do with rows another
 * transaction has locked, and which sources' rows to lock. `nowait` and `skipLocked`
 * exclude each other.
 *
 * @example
 * import { Column, Query, Table } from "retort-orm"
 * class Job extends Table.Class<Job>("Job")("jobs", { id: Column.integer({ primaryKey: true }), done: Column.boolean() }) {}
 * const options: Query.LockOptions = { skipLocked: true }
 * const next = Query.select(Job).where(Job.c.done.eq(false)).limit(1).forUpdate(options)
 *
 * @since 0.3.0
 * @category models
 */
export type LockOptions =
  & { readonly of?: ReadonlyArray<Table.Any | Table.Alias<any, string>> | undefined }
  & (
    | { readonly nowait?: boolean | undefined; readonly skipLocked?: false | undefined }
    | { readonly nowait?: false | undefined; readonly skipLocked?: boolean | undefined }
  )
