/**
 * `Query.select`: the SELECT builder. Its compound forms live in `compound.ts`, its CTEs in
 * `cte.ts`. Re-exported by `src/Query.ts`.
 */
import type * as Column from "../../Column.js"
import type * as ExprModule from "../../Expr.js"
import * as Ast from "../ast/nodes.js"
import { type ExprLike, make, toOrderTerm } from "../expr.js"
import * as Table from "../../Table.js"

import { type Compilable, type Cte, type LockOptions, type ModelOf, type RowOf, type Shape, type Source, type Subquery, TypeId } from "./shapes.js"
import { type Compound, makeCompound } from "./compound.js"
import { type Decoding, conjunction, emptySelect, isModel, makeSubquery, modelSelection, proto, shapeSelection, toSource } from "./build.js"

type Expr<A> = ExprModule.Expr<A>

/**
 * A SELECT. `Row` is what each result row decodes to: a model instance for
 * `Query.select(Model)`, a record for `Query.select({ … })`.
 *
 * @example
 * import { Column, Query, Table } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const q: Query.Select<Tag, {}> = Query.select(Tag).where(Tag.c.name.like("a%"))
 *
 * @since 0.1.0
 * @category models
 */
export interface Select<Row, S extends Shape, Nullable = never> extends Compilable {
  readonly node: Ast.Select
  readonly "~result"?: ReadonlyArray<Row>
  /** Phantom: the type of the first column, for `in(subquery)` and `scalar()`. */
  readonly "~column"?: S[keyof S] extends Expr<infer A> ? A : never
  from(source: Source): Select<Row, S, Nullable>
  join(source: Source, on: Expr<boolean>): Select<Row, S, Nullable>
  /** A LEFT JOIN: the joined model's columns become nullable in the result. */
  leftJoin<Src extends Source>(source: Src, on: Expr<boolean>): Select<
    S extends Record<string, never> ? Row : RowOf<S, Nullable | ModelOf<Src>>,
    S,
    Nullable | ModelOf<Src>
  >
  where(...conditions: ReadonlyArray<Expr<boolean> | Expr<boolean | null>>): Select<Row, S, Nullable>
  groupBy(...expressions: ReadonlyArray<Expr<any>>): Select<Row, S, Nullable>
  having(...conditions: ReadonlyArray<Expr<boolean> | Expr<boolean | null>>): Select<Row, S, Nullable>
  orderBy(...terms: ReadonlyArray<Expr<any> | ExprModule.Order>): Select<Row, S, Nullable>
  limit(n: number): Select<Row, S, Nullable>
  offset(n: number): Select<Row, S, Nullable>
  distinct(): Select<Row, S, Nullable>
  /** Names CTEs explicitly (CTEs used in FROM or JOIN are found without it). */
  with(...ctes: ReadonlyArray<Cte<any>>): Select<Row, S, Nullable>
  union(other: Select<Row, any, any>): Compound<Row, S>
  unionAll(other: Select<Row, any, any>): Compound<Row, S>
  /** Rows of both (`INTERSECT`); a chain evaluates left to right on every database. */
  intersect(other: Select<Row, any, any>): Compound<Row, S>
  /** `INTERSECT ALL` (not on SQLite: the compiler refuses it there). */
  intersectAll(other: Select<Row, any, any>): Compound<Row, S>
  /** Rows of this one not in `other` (`EXCEPT`). */
  except(other: Select<Row, any, any>): Compound<Row, S>
  /** `EXCEPT ALL` (not on SQLite: the compiler refuses it there). */
  exceptAll(other: Select<Row, any, any>): Compound<Row, S>
  /**
   * Locks the rows read until the transaction ends (`FOR UPDATE`), waiting for rows
   * others hold unless `nowait` (fail with `LockTimeout`) or `skipLocked` (leave them out).
   * `of` limits the lock to some of the sources (PostgreSQL; MariaDB locks every table read).
   * SQLite has no row locks: the compiler refuses it there (see the SQLite dialect).
   */
  forUpdate(options?: LockOptions): Select<Row, S, Nullable>
  /** A shared row lock (`FOR SHARE`, MariaDB's `LOCK IN SHARE MODE`); options as `forUpdate`. */
  forShare(options?: LockOptions): Select<Row, S, Nullable>
  /** This query as a subquery in FROM. */
  as<Name extends string>(alias: Name): Subquery<S, Name>
  /** This one-column query as a value (a scalar subquery). */
  scalar(): Expr<(S[keyof S] extends Expr<infer A> ? A : never) | null>
  /** Whether this query has a row, as a value (`EXISTS (subquery)`). */
  exists(): Expr<boolean>
}

const lockOf = (strength: "update" | "share", options: LockOptions | undefined): Ast.Lock => {
  // The type forbids both; a caller without types still gets a clear refusal.
  const { nowait, skipLocked } = (options ?? {}) as { readonly nowait?: unknown; readonly skipLocked?: unknown }
  if (nowait === true && skipLocked === true) {
    throw new TypeError(`for${strength === "update" ? "Update" : "Share"}: nowait and skipLocked exclude each other`)
  }
  const of = (options?.of ?? []).map((source) => {
    const node = toSource(source as Source)
    if (node._tag !== "Table") throw new TypeError("forUpdate({ of }) takes models or aliases of them")
    return node
  })
  return { strength, wait: nowait === true ? "nowait" : skipLocked === true ? "skipLocked" : undefined, of }
}


const makeSelect = (node: Ast.Select, decoding: Decoding): Select<any, any, any> => {
  const next = (changes: Partial<Ast.Select>) => makeSelect({ ...node, ...changes }, decoding)
  const compound = (op: Ast.SetOperator, other: Select<any, any, any>) =>
    makeCompound({ _tag: "Compound", first: node, parts: [{ op, query: other.node }], orderBy: [], limit: undefined, offset: undefined }, decoding)
  return Object.assign(Object.create(proto), {
    [TypeId]: "Select",
    node,
    decoding,
    from: (source: Source) => next({ from: toSource(source) }),
    join: (source: Source, on: Expr<boolean>) => next({ joins: [...node.joins, { kind: "inner", source: toSource(source), on: on.node }] }),
    leftJoin: (source: Source, on: Expr<boolean>) =>
      next({ joins: [...node.joins, { kind: "left", source: toSource(source), on: on.node }] }),
    where: (...conditions: ReadonlyArray<Expr<any>>) => next({ where: conjunction(node.where, conditions) }),
    groupBy: (...expressions: ReadonlyArray<Expr<any>>) => next({ groupBy: [...node.groupBy, ...expressions.map((e) => e.node)] }),
    having: (...conditions: ReadonlyArray<Expr<any>>) => next({ having: conjunction(node.having, conditions) }),
    orderBy: (...terms: ReadonlyArray<Expr<any> | Ast.OrderTerm>) =>
      next({ orderBy: [...node.orderBy, ...terms.map((t) => toOrderTerm(t as ExprLike | Ast.OrderTerm))] }),
    limit: (n: number) => next({ limit: n }),
    offset: (n: number) => next({ offset: n }),
    distinct: () => next({ distinct: true }),
    with: (...ctes: ReadonlyArray<Cte<any>>) => next({ ctes: [...node.ctes, ...ctes.map((c) => c.source)] }),
    union: (other: Select<any, any, any>) => compound("UNION", other),
    unionAll: (other: Select<any, any, any>) => compound("UNION ALL", other),
    intersect: (other: Select<any, any, any>) => compound("INTERSECT", other),
    intersectAll: (other: Select<any, any, any>) => compound("INTERSECT ALL", other),
    except: (other: Select<any, any, any>) => compound("EXCEPT", other),
    exceptAll: (other: Select<any, any, any>) => compound("EXCEPT ALL", other),
    forUpdate: (options?: LockOptions) => next({ lock: lockOf("update", options) }),
    forShare: (options?: LockOptions) => next({ lock: lockOf("share", options) }),
    exists: () => make({ _tag: "Exists", query: node, negated: false }, { _tag: "boolean" }, false),
    as: (alias: string) => makeSubquery(node, alias),
    scalar: () => {
      const only = node.selection[0]
      if (node.selection.length !== 1 || only === undefined) throw new TypeError("scalar() needs a query that selects one column")
      return make({ _tag: "Scalar", query: node }, only.type, true)
    }
  })
}


/**
 * Starts a SELECT: of a model (rows are model instances) or of a record of expressions
 * (rows are records). The FROM clause defaults to the model, or to the table of the
 * first column selected.
 *
 * @example
 * import { Column, Fn, Query, Table } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const all = Query.select(Tag).orderBy(Tag.c.name)
 * const counted = Query.select({ name: Tag.c.name, n: Fn.count() }).groupBy(Tag.c.name)
 *
 * @since 0.1.0
 * @category constructors
 */
export const select: {
  <M extends Table.Any>(model: M | Table.Alias<M, string>): Select<InstanceType<M>, {}>
  <const S extends Shape>(shape: S): Select<RowOf<S>, S>
} = (what: Table.Any | Table.Alias<any, string> | Shape): any => {
  if (isModel(what) || (what as Table.Alias<any, string>)._tag === "TableAlias") {
    const source = toSource(what as Source) as Ast.TableSource
    const model = isModel(what) ? what : (what as Table.Alias<any, string>).model
    return makeSelect(emptySelect(modelSelection(source.table, source.alias), source), {
      _tag: "Model",
      model,
      def: source.table
    })
  }
  const selection = shapeSelection(what as Shape)
  // Without .from(), select from the table of the first column, wherever it appears in the
  // selected expressions (SQLAlchemy does the same).
  const findRef = (node: Ast.Node): Column.AnyRef | undefined =>
    node._tag === "ColumnRef" ? node : Ast.children(node).map(findRef).find((r) => r !== undefined)
  const firstRef = selection.map((s) => findRef(s.node)).find((r) => r !== undefined)
  const from: Ast.Source | undefined = firstRef === undefined
    ? undefined
    : { _tag: "Table", table: firstRef.table.def, alias: firstRef.table.alias }
  return makeSelect(emptySelect(selection, from), { _tag: "Record" })
}

