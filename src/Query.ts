/**
 * Queries (Core): immutable builders over retort's AST, compiled per dialect and run
 * against the engine. Every value is a bound parameter; every identifier is quoted.
 *
 * ```ts
 * const q = Query.select({ artist: Artist.c.name, tracks: Fn.count(Track.c.trackId) })
 *   .from(Artist)
 *   .join(Album, Album.c.artistId.eq(Artist.c.artistId))
 *   .join(Track, Track.c.albumId.eq(Album.c.albumId))
 *   .groupBy(Artist.c.name)
 *   .orderBy(Fn.count(Track.c.trackId).desc())
 *   .limit(5)
 * const rows = yield* Query.execute(q) // ReadonlyArray<{ artist: string | null; tracks: number }>
 * ```
 *
 * @since 0.1.0
 */
import { Chunk, Effect, Pipeable, type Schema, Stream, type Types } from "effect"
import type * as Column from "./Column.js"
import * as Dialect from "./Dialect.js"
import * as Engine from "./Engine.js"
import { type DatabaseError, DecodeError, EncodeError } from "./Errors.js"
import type * as ExprModule from "./Expr.js"
import * as Ast from "./internal/ast/nodes.js"
import { type Compiled, compile, type Step } from "./internal/compiler.js"
import { type ExprLike, isExpr, make, operand, toOrderTerm } from "./internal/expr.js"
import { rowDecoder } from "./internal/rows.js"
import type { TableDef } from "./internal/tableDef.js"
import { fromDriver, ValueError } from "./internal/values.js"
import * as Table from "./Table.js"

type Expr<A> = ExprModule.Expr<A>

/**
 * The identifier of this module's values.
 *
 * @example
 * import { Query } from "retort"
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
 * import { Column, Fn, Table, type Query } from "retort"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const shape = { name: Tag.c.name, n: Fn.count() } satisfies Query.Shape
 *
 * @since 0.1.0
 * @category models
 */
export type Shape = { readonly [key: string]: Expr<any> }

/** The result type of one selected expression; columns of left-joined sources may be null. */
type ValueOf<E, Nullable> = E extends Column.Ref<infer M, any, infer A> ? ([M] extends [Nullable] ? A | null : A)
  : E extends { readonly "~source"?: infer Src; readonly "~type"?: infer A } ? ([Src] extends [Nullable] ? A | null : A)
  : E extends Expr<infer A> ? A
  : never

/** A column of a subquery or CTE: an expression that knows its source, for LEFT JOIN nullability. */
type SourceExpr<A, Src> = Expr<A> & { readonly "~source"?: Src }

/**
 * The row type of a selection.
 *
 * @example
 * import type { Expr, Query } from "retort"
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
 * import type { Query } from "retort"
 * const sources: ReadonlyArray<Query.Source> = []
 *
 * @since 0.1.0
 * @category models
 */
export type Source = Table.Any | Table.Alias<any, string> | Subquery<any, string> | Cte<any, string>

type ModelOf<S> = S extends Table.Any ? InstanceType<S>
  : S extends Table.Alias<any, infer Name> ? Table.Aliased<S["model"], Name>
  : S extends { readonly "~source"?: infer Src } ? Src
  : never

/**
 * A subquery in FROM: `Query.select(…).as("x")`. Its columns are `sub.c.<key>`.
 *
 * @example
 * import { Column, Fn, Query, Table } from "retort"
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
 * import { Column, Query, Table } from "retort"
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
 * import type { Query } from "retort"
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
 * A SELECT. `Row` is what each result row decodes to: a model instance for
 * `Query.select(Model)`, a record for `Query.select({ … })`.
 *
 * @example
 * import { Column, Query, Table } from "retort"
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
  /** This query as a subquery in FROM. */
  as<Name extends string>(alias: Name): Subquery<S, Name>
  /** This one-column query as a value (a scalar subquery). */
  scalar(): Expr<(S[keyof S] extends Expr<infer A> ? A : never) | null>
}

/**
 * `UNION` / `UNION ALL` of selects, ordered and limited as a whole (by output column).
 *
 * @example
 * import { Column, Query, Table } from "retort"
 * class A extends Table.Class<A>("A")("a", { id: Column.integer({ primaryKey: true }), city: Column.text() }) {}
 * class B extends Table.Class<B>("B")("b", { id: Column.integer({ primaryKey: true }), city: Column.text() }) {}
 * const cities = Query.select({ city: A.c.city }).from(A).union(Query.select({ city: B.c.city }).from(B))
 *
 * @since 0.1.0
 * @category models
 */
export interface Compound<Row, S extends Shape> extends Compilable {
  readonly node: Ast.Compound
  readonly "~result"?: ReadonlyArray<Row>
  union(other: Select<Row, any, any>): Compound<Row, S>
  unionAll(other: Select<Row, any, any>): Compound<Row, S>
  /** Orders by output columns: pass the expressions of the first select (or their `.asc()` / `.desc()`). */
  orderBy(...terms: ReadonlyArray<Expr<any> | ExprModule.Order>): Compound<Row, S>
  limit(n: number): Compound<Row, S>
  offset(n: number): Compound<Row, S>
  as<Name extends string>(alias: Name): Subquery<S, Name>
}

/**
 * How many rows an INSERT, UPDATE or DELETE changed.
 *
 * @example
 * import type { Query } from "retort"
 * const changed = (r: Query.Affected) => r.rowsAffected > 0
 *
 * @since 0.1.0
 * @category models
 */
export interface Affected {
  readonly rowsAffected: number
}

type Returned<M extends Table.Any, R> = R extends Table.Any ? InstanceType<M> : R extends Shape ? RowOf<R> : never

/**
 * An INSERT of one or many rows; runs as few multi-row statements as the dialect's
 * parameter limit allows, in one transaction.
 *
 * @example
 * import { Column, Query, Table } from "retort"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.string({ length: 20, unique: true }) }) {}
 * const upsert = Query.insert(Tag).values({ name: "a" }).onConflict({ target: [Tag.c.name], doNothing: true })
 *
 * @since 0.1.0
 * @category models
 */
export interface Insert<M extends Table.Any, Result = Affected> extends Compilable {
  readonly node: Ast.Insert
  readonly "~result"?: Result
  /** All the statements, for an insert split in several. */
  readonly toSqlAll: (dialect: Dialect.Dialect | Dialect.DialectName) => ReadonlyArray<Compiled>
  /**
   * ON CONFLICT (PostgreSQL, SQLite) / ON DUPLICATE KEY UPDATE (MariaDB). `target` names the
   * unique key (MariaDB uses whichever key conflicts). `doUpdate` values may be expressions,
   * `Query.excluded(Model.c.x)` among them.
   */
  onConflict(
    options:
      | { readonly target: ReadonlyArray<Column.AnyRef>; readonly doNothing: true }
      | { readonly target: ReadonlyArray<Column.AnyRef>; readonly doUpdate: UpdateValues<M> }
  ): Insert<M, Result>
  /** Returns the inserted rows: the model's instances, or the columns of a shape. */
  returning<R extends M | Shape>(what: R): Insert<M, ReadonlyArray<Returned<M, R>>>
}

/**
 * What `Query.insert(Model)` returns: give it rows with `values`.
 *
 * @example
 * import { Column, Query, Table } from "retort"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const one = Query.insert(Tag).values({ name: "a" })
 *
 * @since 0.1.0
 * @category models
 */
export interface InsertInto<M extends Table.Any> {
  values(rows: Schema.Schema.Type<M["insert"]> | ReadonlyArray<Schema.Schema.Type<M["insert"]>>): Insert<M>
}

/**
 * New values for an UPDATE: a value of the field's type or an expression, per field.
 *
 * @example
 * import { Column, Table, type Query } from "retort"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), uses: Column.integer() }) {}
 * const bump: Query.UpdateValues<typeof Tag> = { uses: Tag.c.uses.plus(1) }
 *
 * @since 0.1.0
 * @category models
 */
export type UpdateValues<M extends Table.Any> = {
  readonly [K in keyof Schema.Schema.Type<M["update"]>]?:
    | Schema.Schema.Type<M["update"]>[K]
    | Expr<Schema.Schema.Type<M["update"]>[K]>
    | Expr<NonNullable<Schema.Schema.Type<M["update"]>[K]>>
}

/**
 * An UPDATE: `Query.update(Model).set({ … }).where(…)`. Runs to the number of rows changed,
 * or to the updated rows with `returning`.
 *
 * @example
 * import { Column, Query, Table } from "retort"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), uses: Column.integer() }) {}
 * const bump = Query.update(Tag).set({ uses: Tag.c.uses.plus(1) }).where(Tag.c.id.eq(1))
 *
 * @since 0.1.0
 * @category models
 */
export interface Update<M extends Table.Any, Result = Affected> extends Compilable {
  readonly node: Ast.Update
  readonly "~result"?: Result
  set(values: UpdateValues<M>): Update<M, Result>
  where(...conditions: ReadonlyArray<Expr<boolean> | Expr<boolean | null>>): Update<M, Result>
  returning<R extends M | Shape>(what: R): Update<M, ReadonlyArray<Returned<M, R>>>
}

/**
 * A DELETE: `Query.delete(Model).where(…)`. Runs to the number of rows deleted, or to the
 * deleted rows with `returning`.
 *
 * @example
 * import { Column, Query, Table } from "retort"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), uses: Column.integer() }) {}
 * const unused = Query.delete(Tag).where(Tag.c.uses.eq(0))
 *
 * @since 0.1.0
 * @category models
 */
export interface Delete<M extends Table.Any, Result = Affected> extends Compilable {
  readonly node: Ast.Delete
  readonly "~result"?: Result
  where(...conditions: ReadonlyArray<Expr<boolean> | Expr<boolean | null>>): Delete<M, Result>
  returning<R extends M | Shape>(what: R): Delete<M, ReadonlyArray<Returned<M, R>>>
}

/**
 * What a query gives when run.
 *
 * @example
 * import type { Query } from "retort"
 * type Rows<Q> = Query.Result<Q>
 *
 * @since 0.1.0
 * @category type-level
 */
export type Result<Q> = Q extends { readonly "~result"?: infer R } ? R : never

// --- building --------------------------------------------------------------------------

const dialectOf = (d: Dialect.Dialect | Dialect.DialectName) => (typeof d === "string" ? Dialect.byName(d) : d)

const proto = {
  pipe() {
    return Pipeable.pipeArguments(this, arguments)
  },
  toSql(this: { node: Ast.Statement }, dialect: Dialect.Dialect | Dialect.DialectName): Compiled {
    const [first] = compile(dialectOf(dialect), this.node)
    return { sql: first!.sql, params: first!.params }
  }
}

const isModel = (u: unknown): u is Table.Any => typeof u === "function" && Table.TypeId in u

const toSource = (source: Source): Ast.Source => {
  if (isModel(source)) return { _tag: "Table", table: Table.definition(source), alias: undefined }
  switch (source._tag) {
    case "TableAlias":
      return { _tag: "Table", table: Table.definition(source.model), alias: source.alias }
    case "Subquery":
    case "Cte":
      return source.source
  }
}

const columnNode = (def: TableDef, alias: string | undefined, key: string): Ast.Node => {
  const column = def.byKey.get(key)!
  return { _tag: "ColumnRef", table: { tableName: def.tableName, alias, def }, key, name: column.name, column: column.def } as unknown as Ast.Node
}

/** A model's own columns, unaliased: built once per table (AST nodes are immutable data). */
const ownSelections = new WeakMap<TableDef, ReadonlyArray<Ast.Selection>>()

const modelSelection = (def: TableDef, alias: string | undefined): ReadonlyArray<Ast.Selection> => {
  if (alias !== undefined) return selectionOfColumns(def, alias)
  let selection = ownSelections.get(def)
  if (selection === undefined) ownSelections.set(def, selection = selectionOfColumns(def, undefined))
  return selection
}

const selectionOfColumns = (def: TableDef, alias: string | undefined): ReadonlyArray<Ast.Selection> =>
  def.columns.map((column) => ({
    node: columnNode(def, alias, column.key),
    alias: column.name,
    type: column.def.type,
    nullable: column.def.nullable
  }))

const shapeSelection = (shape: Shape): ReadonlyArray<Ast.Selection> =>
  Object.entries(shape).map(([alias, e]) => {
    const expr = e as unknown as ExprLike
    return { node: expr.node, alias, type: expr.valueType, nullable: expr.nullable }
  })

/** How a select's rows decode: as instances of a model, or as records. */
type Decoding = { readonly _tag: "Model"; readonly model: Table.Any; readonly def: TableDef } | { readonly _tag: "Record" }

const emptySelect = (selection: ReadonlyArray<Ast.Selection>, from: Ast.Source | undefined): Ast.Select => ({
  _tag: "Select",
  selection,
  from,
  joins: [],
  where: undefined,
  groupBy: [],
  having: undefined,
  orderBy: [],
  limit: undefined,
  offset: undefined,
  distinct: false,
  ctes: []
})

const conjunction = (existing: Ast.Node | undefined, conditions: ReadonlyArray<Expr<any>>): Ast.Node | undefined =>
  [existing, ...conditions.map((c) => c.node)].filter((n): n is Ast.Node => n !== undefined).reduce<Ast.Node | undefined>(
    (left, right) => (left === undefined ? right : { _tag: "Binary", op: "AND", left, right }),
    undefined
  )

/** The columns of a subquery or CTE, as expressions on `"alias"."name"`. */
const sourceColumns = (name: string, selection: ReadonlyArray<Ast.Selection>) =>
  Object.fromEntries(
    selection.map((sel) => [sel.alias, make({ _tag: "SourceColumn", source: name, name: sel.alias }, sel.type, sel.nullable, sel.alias)])
  )

const firstSelect = (node: Ast.SelectStatement): Ast.Select => (node._tag === "Select" ? node : node.first)

const makeSubquery = (query: Ast.SelectStatement, alias: string): Subquery<any> => ({
  _tag: "Subquery",
  alias,
  source: { _tag: "Subquery", query, alias },
  c: sourceColumns(alias, firstSelect(query).selection) as any
})

const makeSelect = (node: Ast.Select, decoding: Decoding): Select<any, any, any> => {
  const next = (changes: Partial<Ast.Select>) => makeSelect({ ...node, ...changes }, decoding)
  const compound = (op: "UNION" | "UNION ALL", other: Select<any, any, any>) =>
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
    as: (alias: string) => makeSubquery(node, alias),
    scalar: () => {
      const only = node.selection[0]
      if (node.selection.length !== 1 || only === undefined) throw new TypeError("scalar() needs a query that selects one column")
      return make({ _tag: "Scalar", query: node }, only.type, true)
    }
  })
}

const makeCompound = (node: Ast.Compound, decoding: Decoding): Compound<any, any> => {
  const next = (changes: Partial<Ast.Compound>) => makeCompound({ ...node, ...changes }, decoding)
  return Object.assign(Object.create(proto), {
    [TypeId]: "Compound",
    node,
    decoding,
    union: (other: Select<any, any, any>) => next({ parts: [...node.parts, { op: "UNION", query: other.node }] }),
    unionAll: (other: Select<any, any, any>) => next({ parts: [...node.parts, { op: "UNION ALL", query: other.node }] }),
    orderBy: (...terms: ReadonlyArray<Expr<any> | Ast.OrderTerm>) =>
      next({ orderBy: [...node.orderBy, ...terms.map((t) => toOrderTerm(t as ExprLike | Ast.OrderTerm))] }),
    limit: (n: number) => next({ limit: n }),
    offset: (n: number) => next({ offset: n }),
    as: (alias: string) => makeSubquery(node, alias)
  })
}

/**
 * Starts a SELECT: of a model (rows are model instances) or of a record of expressions
 * (rows are records). The FROM clause defaults to the model, or to the table of the
 * first column selected.
 *
 * @example
 * import { Column, Fn, Query, Table } from "retort"
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

/**
 * A common table expression over a query, referred to by `name`.
 *
 * @example
 * import { Column, Query, Table } from "retort"
 * class Sale extends Table.Class<Sale>("Sale")("sales", { id: Column.integer({ primaryKey: true }), amount: Column.integer() }) {}
 * const big = Query.with("big_sales", Query.select({ id: Sale.c.id, amount: Sale.c.amount }).from(Sale).where(Sale.c.amount.gt(100)))
 *
 * @since 0.1.0
 * @category constructors
 */
const with_ = <S extends Shape, Name extends string>(name: Name, query: Select<any, S, any> | Compound<any, S>): Cte<S, Name> => {
  const selection = firstSelect(query.node).selection
  return {
    _tag: "Cte",
    name,
    source: { _tag: "Cte", name, query: query.node, recursive: false, columns: selection.map((s) => s.alias) },
    c: sourceColumns(name, selection) as any
  }
}
export { with_ as with }

/**
 * A recursive CTE: `base UNION ALL recursive(self)`, where `recursive` selects from
 * `self` (the CTE being defined). The columns are those of `base`.
 *
 * @example
 * import { Column, Expr, Query, Table } from "retort"
 * class Employee extends Table.Class<Employee>("Employee")("employees", {
 *   id: Column.integer({ primaryKey: true }),
 *   reportsTo: Column.integer({ nullable: true })
 * }) {}
 * const team = Query.withRecursive(
 *   "team",
 *   Query.select({ id: Employee.c.id, depth: Expr.literal(1) }).from(Employee).where(Employee.c.reportsTo.eq(1)),
 *   (self) => Query.select({ id: Employee.c.id, depth: self.c.depth.plus(1) }).from(Employee).join(self, Employee.c.reportsTo.eq(self.c.id))
 * )
 *
 * @since 0.1.0
 * @category constructors
 */
export const withRecursive = <S extends Shape, Name extends string>(
  name: Name,
  base: Select<any, S, any>,
  recursive: (self: Cte<S, Name>) => Select<any, any, any>,
  options: { readonly unionAll?: boolean } = {}
): Cte<S, Name> => {
  const selection = base.node.selection
  const columns = selection.map((s) => s.alias)
  const self: Cte<S, Name> = {
    _tag: "Cte",
    name,
    // The self-reference is only a name in FROM; the compiler does not expand it.
    source: { _tag: "Cte", name, query: base.node, recursive: true, columns },
    c: sourceColumns(name, selection) as any
  }
  const step = recursive(self)
  const query: Ast.Compound = {
    _tag: "Compound",
    first: base.node,
    parts: [{ op: options.unionAll === false ? "UNION" : "UNION ALL", query: step.node }],
    orderBy: [],
    limit: undefined,
    offset: undefined
  }
  return { ...self, source: { ...self.source, query } }
}

/**
 * In an upsert's `doUpdate`, the value the conflicting insert would have written.
 *
 * @example
 * import { Column, Query, Table } from "retort"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.string({ length: 20, unique: true }), uses: Column.integer() }) {}
 * const upsert = Query.insert(Tag).values({ name: "a", uses: 1 }).onConflict({ target: [Tag.c.name], doUpdate: { uses: Query.excluded(Tag.c.uses) } })
 *
 * @since 0.1.0
 * @category constructors
 */
export const excluded = <A>(column: Column.Ref<any, string, A>): Expr<A> =>
  make({ _tag: "Excluded", column: column.name }, column.valueType, column.nullable) as unknown as Expr<A>

const assignments = (def: TableDef, values: Readonly<Record<string, unknown>>): ReadonlyArray<Ast.Assignment> =>
  Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      const column = def.byKey.get(key)
      if (column === undefined) throw new TypeError(`"${key}" is not a field of ${def.identifier}`)
      return { column: column.name, value: isExpr(value) ? value.node : Ast.assigned(value, def, column) }
    })

const refOf = (def: TableDef, key: string): ExprLike => {
  const column = def.byKey.get(key)!
  return make(columnNode(def, undefined, key), column.def.type, column.def.nullable)
}

const returningSelection = (def: TableDef, what: unknown): ReadonlyArray<Ast.Selection> =>
  isModel(what) ? modelSelection(def, undefined) : shapeSelection(what as Shape)

const returningDecoding = (model: Table.Any, def: TableDef, what: unknown): Decoding =>
  isModel(what) ? { _tag: "Model", model, def } : { _tag: "Record" }

const makeInsert = (model: Table.Any, node: Ast.Insert, decoding: Decoding): Insert<any, any> =>
  Object.assign(Object.create(proto), {
    [TypeId]: "Insert",
    node,
    decoding,
    toSqlAll: (dialect: Dialect.Dialect | Dialect.DialectName) =>
      compile(dialectOf(dialect), node).map(({ sql, params }) => ({ sql, params })),
    onConflict: (options: { target: ReadonlyArray<Column.AnyRef>; doNothing?: true; doUpdate?: Record<string, unknown> }) =>
      makeInsert(model, {
        ...node,
        onConflict: {
          target: options.target.map((r) => r.name),
          action: options.doUpdate === undefined
            ? { _tag: "DoNothing" }
            : { _tag: "DoUpdate", set: assignments(node.table, options.doUpdate) }
        }
      }, decoding),
    returning: (what: unknown) =>
      makeInsert(model, { ...node, returning: returningSelection(node.table, what) }, returningDecoding(model, node.table, what))
  })

/**
 * Starts an INSERT into a model's table.
 *
 * @example
 * import { Column, Query, Table } from "retort"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * Query.insert(Tag).values({ name: "x" }).toSql("sqlite").sql // INSERT INTO "tags" ("name") VALUES (?)
 *
 * @since 0.1.0
 * @category constructors
 */
export const insert = <M extends Table.Any>(model: M): InsertInto<M> => ({
  values: (rows) =>
    makeInsert(model, {
      _tag: "Insert",
      model,
      table: Table.definition(model),
      rows: Array.isArray(rows) ? [...rows] : [rows],
      onConflict: undefined,
      returning: undefined
    }, { _tag: "Record" })
})

const makeUpdate = (model: Table.Any, node: Ast.Update, decoding: Decoding): Update<any, any> =>
  Object.assign(Object.create(proto), {
    [TypeId]: "Update",
    node,
    decoding,
    model,
    set: (values: Record<string, unknown>) => makeUpdate(model, { ...node, set: [...node.set, ...assignments(node.table, values)] }, decoding),
    where: (...conditions: ReadonlyArray<Expr<any>>) => makeUpdate(model, { ...node, where: conjunction(node.where, conditions) }, decoding),
    returning: (what: unknown) =>
      makeUpdate(model, { ...node, returning: returningSelection(node.table, what) }, returningDecoding(model, node.table, what))
  })

/**
 * Starts an UPDATE of a model's table. Without `where`, every row is updated.
 *
 * @example
 * import { Column, Query, Table } from "retort"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const rename = Query.update(Tag).set({ name: "b" }).where(Tag.c.name.eq("a"))
 *
 * @since 0.1.0
 * @category constructors
 */
export const update = <M extends Table.Any>(model: M): Update<M> =>
  makeUpdate(model, { _tag: "Update", table: Table.definition(model), set: [], where: undefined, returning: undefined }, { _tag: "Record" })

const makeDelete = (model: Table.Any, node: Ast.Delete, decoding: Decoding): Delete<any, any> =>
  Object.assign(Object.create(proto), {
    [TypeId]: "Delete",
    node,
    decoding,
    where: (...conditions: ReadonlyArray<Expr<any>>) => makeDelete(model, { ...node, where: conjunction(node.where, conditions) }, decoding),
    returning: (what: unknown) =>
      makeDelete(model, { ...node, returning: returningSelection(node.table, what) }, returningDecoding(model, node.table, what))
  })

/**
 * Starts a DELETE from a model's table. Without `where`, every row is deleted.
 *
 * @example
 * import { Column, Query, Table } from "retort"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const purge = Query.delete(Tag).where(Tag.c.name.like("tmp%"))
 *
 * @since 0.1.0
 * @category constructors
 */
const delete_ = <M extends Table.Any>(model: M): Delete<M> =>
  makeDelete(model, { _tag: "Delete", table: Table.definition(model), where: undefined, returning: undefined }, { _tag: "Record" })
export { delete_ as delete }

// --- running ---------------------------------------------------------------------------

/** Runs `f`, failing with the typed errors it throws; anything else is a defect (a bug). */
const attempt = <A, E>(f: () => A, is: (e: unknown) => e is E): Effect.Effect<A, E> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(f())
    } catch (e) {
      if (is(e)) return Effect.fail(e)
      throw e
    }
  })

const isEncodeError = (e: unknown): e is EncodeError => e instanceof EncodeError
const isDecodeError = (e: unknown): e is DecodeError => e instanceof DecodeError

const compileIn = (dialect: Dialect.Dialect, node: Ast.Statement) => attempt(() => compile(dialect, node), isEncodeError)

/** Which selected sources are left-joined: their columns decode as nullable. */
const leftJoined = (node: Ast.Select): ReadonlySet<string> =>
  new Set(
    node.joins.filter((j) => j.kind === "left").map((j) =>
      j.source._tag === "Table" ? j.source.alias ?? j.source.table.tableName : j.source._tag === "Subquery" ? j.source.alias : j.source.name
    )
  )

const sourceOf = (node: Ast.Node): string | undefined =>
  node._tag === "ColumnRef" ? node.table.alias ?? node.table.tableName : node._tag === "SourceColumn" ? node.source : undefined

const recordDecoder = (dialect: Dialect.Dialect, selection: ReadonlyArray<Ast.Selection>, nullableSources: ReadonlySet<string>) => {
  const columns = selection.map((sel) => {
    const source = sourceOf(sel.node)
    return { ...sel, nullable: sel.nullable || (source !== undefined && nullableSources.has(source)) }
  })
  return (row: Readonly<Record<string, unknown>>) => {
    const out: Record<string, unknown> = {}
    for (const sel of columns) {
      const raw = row[sel.alias]
      if (raw === null || raw === undefined || sel.type._tag === "unknown") {
        out[sel.alias] = raw ?? null
        continue
      }
      try {
        out[sel.alias] = sel.type._tag === "decimal" ? fromDriver({ _tag: "numeric", precision: 38, scale: 10 }, raw, dialect.values) : fromDriver(sel.type, raw, dialect.values)
      } catch (e) {
        if (!(e instanceof ValueError)) throw e
        throw new DecodeError({ message: `result column ${sel.alias}: ${e.message}`, table: "(query)", column: sel.alias, value: String(raw) })
      }
    }
    return out
  }
}

const decoderFor = (dialect: Dialect.Dialect, decoding: Decoding, selection: ReadonlyArray<Ast.Selection>, nullableSources: ReadonlySet<string>) =>
  decoding._tag === "Model" ? rowDecoder(dialect, decoding.model, decoding.def) : recordDecoder(dialect, selection, nullableSources)

const selectionOf = (node: Ast.Statement): ReadonlyArray<Ast.Selection> | undefined => {
  switch (node._tag) {
    case "Select":
      return node.selection
    case "Compound":
      return node.first.selection
    default:
      return node.returning
  }
}

const safeIntegers = { safeIntegers: true } as const

/**
 * PostgreSQL: ids inserted explicitly leave the identity sequence behind. An insert that sets
 * the id marks its sequence stale; one that takes a generated id from a stale sequence gets
 * its key back, and the sequence is moved past the table's ids first (once, not per row).
 */
const staleIdentityOf = (engine: Engine.Engine, step: Step): string | undefined => {
  if (step.identity === undefined || engine.dialect.compiler.syncIdentity === undefined) return undefined
  const stale = staleIdentities(engine)
  const key = `${step.identity.table}\u0000${step.identity.column}`
  if (step.identity.explicit) stale.add(key)
  return !step.identity.explicit && stale.has(key) ? key : undefined
}

/** Per engine, the identity sequences that ids inserted explicitly have left behind. */
const staleByEngine = new WeakMap<Engine.Engine, Set<string>>()
const staleIdentities = (engine: Engine.Engine) => {
  let stale = staleByEngine.get(engine)
  if (stale === undefined) staleByEngine.set(engine, stale = new Set())
  return stale
}

/**
 * UPDATE … RETURNING where the database has none (MariaDB): in one transaction, lock and
 * remember the keys of the rows the WHERE matches, update, then read them back by key.
 */
const emulatedUpdateReturning = (engine: Engine.Engine, node: Ast.Update, run: (steps: ReadonlyArray<Step>) => Effect.Effect<ReadonlyArray<Engine.Row>, DatabaseError>) =>
  Effect.gen(function*() {
    const def = node.table
    if (def.primaryKey.length === 0) {
      // A table without a primary key cannot have its updated rows read back here: a typed refusal.
      return yield* new EncodeError({
        message: `UPDATE … RETURNING on ${engine.dialect.name} needs a primary key on ${def.tableName}`,
        table: def.tableName,
        column: undefined
      })
    }
    const keys = def.primaryKey.map((k) => refOf(def, k))
    const keySelection = keys.map((k, i) => ({ node: k.node, alias: `k${i}`, type: k.valueType, nullable: false }))
    const lock = (yield* compileIn(engine.dialect, { ...emptySelect(keySelection, { _tag: "Table", table: def, alias: undefined }), where: node.where }))[0]!
    // Compiled before anything runs: a value the UPDATE refuses locks nothing.
    const write = yield* compileIn(engine.dialect, { ...node, returning: undefined })
    const found = yield* engine.execute(`${lock.sql} FOR UPDATE`, lock.params)
    yield* run(write)
    if (found.length === 0) return []
    const match: Ast.Node = found
      .map((row) =>
        keys
          .map((k, i): Ast.Node => ({ _tag: "Binary", op: "=", left: k.node, right: operand(row[`k${i}`], undefined) }))
          .reduce((left, right) => ({ _tag: "Binary", op: "AND", left, right }))
      )
      .reduce((left, right) => ({ _tag: "Binary", op: "OR", left, right }))
    const read = yield* compileIn(engine.dialect, { ...emptySelect(node.returning!, { _tag: "Table", table: def, alias: undefined }), where: match })
    return yield* run(read)
  })

/**
 * Runs a query on the engine in context, inside the current transaction if any. A SELECT
 * gives its rows (model instances or records); INSERT, UPDATE and DELETE give
 * `{ rowsAffected }`, or the rows they touched with `returning`.
 *
 * @example
 * import { Effect } from "effect"
 * import { Column, Engine, MetaData, Query, Table } from "retort"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const program = Effect.gen(function* () {
 *   yield* MetaData.make(Tag).createAll
 *   yield* Query.execute(Query.insert(Tag).values([{ name: "a" }, { name: "b" }]))
 *   return yield* Query.execute(Query.select(Tag).orderBy(Tag.c.name))
 * }).pipe(Effect.provide(Engine.layer("sqlite://")))
 *
 * @since 0.1.0
 * @category execution
 */
export const execute = <Q extends Compilable>(
  query: Q
): Effect.Effect<Result<Q>, DatabaseError | DecodeError | EncodeError, Engine.Engine> =>
  Effect.flatMap(Engine.Engine, (engine) => executeWith(engine, query))

/**
 * {@link execute} on a given engine, without reading it from the context (the session's path).
 *
 * @internal
 */
export const executeWith = <Q extends Compilable>(
  engine: Engine.Engine,
  query: Q
): Effect.Effect<Result<Q>, DatabaseError | DecodeError | EncodeError> => {
  const fast = executeOne(engine, query)
  return fast !== undefined ? fast : Effect.provideService(executeSteps(engine, query), Engine.Engine, engine)
}

/**
 * The hot path: one statement, no identity resync to run first, no emulation. Compiled
 * synchronously and run with one engine call; `undefined` when the general path is needed.
 */
const executeOne = <Q extends Compilable>(
  engine: Engine.Engine,
  query: Q
): Effect.Effect<Result<Q>, DatabaseError | DecodeError | EncodeError> | undefined => {
  const node = query.node
  if (node._tag === "Update" && node.returning !== undefined && !engine.capabilities.updateReturning) return undefined
  let steps: ReadonlyArray<Step>
  try {
    steps = compile(engine.dialect, node)
  } catch (e) {
    if (isEncodeError(e)) return Effect.fail(e)
    throw e
  }
  if (steps.length !== 1) return undefined
  const step = steps[0]!
  if (staleIdentityOf(engine, step) !== undefined) return undefined
  const selection = selectionOf(node)
  if (step.result === "count" || selection === undefined) {
    return Effect.map(
      engine.executeRaw(step.sql, step.params),
      (raw) => ({ rowsAffected: step.result === "count" ? engine.dialect.compiler.affectedRows(raw) : 0 }) as Result<Q>
    )
  }
  const wide = engine.dialect.values.bigintNeedsSafeIntegers && selection.some((s) => s.type._tag === "bigint")
  const decoding = (query as unknown as { decoding: Decoding }).decoding
  const nullableSources = node._tag === "Select" ? leftJoined(node) : noSources
  const decode = decoderFor(engine.dialect, decoding, selection, nullableSources)
  return Effect.flatMap(
    wide ? engine.execute(step.sql, step.params, safeIntegers) : engine.execute(step.sql, step.params),
    (raw) => attempt(() => raw.map(decode) as unknown as Result<Q>, isDecodeError)
  )
}

const noSources: ReadonlySet<string> = new Set()

const executeSteps = <Q extends Compilable>(
  engine: Engine.Engine,
  query: Q
): Effect.Effect<Result<Q>, DatabaseError | DecodeError | EncodeError> =>
  Effect.gen(function*() {
    const node = query.node
    const decoding = (query as unknown as { decoding: Decoding }).decoding
    const selection = selectionOf(node)
    // better-sqlite3 reads integers beyond 2^53 exactly only in its safe-integer mode.
    const wide = engine.dialect.values.bigintNeedsSafeIntegers && (selection ?? []).some((s) => s.type._tag === "bigint")
    const rowsOf = (sql: string, params: ReadonlyArray<unknown>) =>
      wide ? engine.execute(sql, params, safeIntegers) : engine.execute(sql, params)

    let affected = 0
    const sync = engine.dialect.compiler.syncIdentity
    const stale = staleIdentities(engine)
    const run = (steps: ReadonlyArray<Step>) =>
      Effect.gen(function*() {
        const rows: Array<Engine.Row> = []
        for (const step of steps) {
          const key = staleIdentityOf(engine, step)
          if (key !== undefined) {
            const { params, sql } = sync!(step.identity!.table, step.identity!.column)
            yield* engine.execute(sql, params)
            stale.delete(key)
          }
          if (step.result === "rows") {
            // One by one: spreading a large result into push() overflows the stack.
            for (const row of yield* rowsOf(step.sql, step.params)) rows.push(row)
          } else if (step.result === "count") affected += engine.dialect.compiler.affectedRows(yield* engine.executeRaw(step.sql, step.params))
          else yield* engine.execute(step.sql, step.params)
        }
        return rows
      })

    let raw: ReadonlyArray<Engine.Row>
    if (node._tag === "Update" && node.returning !== undefined && !engine.capabilities.updateReturning) {
      raw = yield* engine.transaction(emulatedUpdateReturning(engine, node, run))
    } else {
      const steps = yield* compileIn(engine.dialect, node)
      // Several statements (a split insert, an identity resync) are one unit.
      raw = steps.length > 1 ? yield* engine.transaction(run(steps)) : yield* run(steps)
    }

    if (selection === undefined) return { rowsAffected: affected } as Result<Q>
    const nullableSources = node._tag === "Select" ? leftJoined(node) : new Set<string>()
    const decode = decoderFor(engine.dialect, decoding, selection, nullableSources)
    return yield* attempt(() => raw.map(decode) as unknown as Result<Q>, isDecodeError)
  })

/**
 * Runs a SELECT on the engine in context and streams its rows, decoded as they arrive: a
 * cursor on PostgreSQL, a row stream with back-pressure on MariaDB, an iterator on SQLite.
 * Memory stays bounded whatever the result's size; stopping early (`Stream.take`) releases
 * the cursor and the connection. Inside a transaction it reads on the transaction's connection.
 *
 * @example
 * import { Effect, Stream } from "effect"
 * import { Column, Engine, MetaData, Query, Table } from "retort"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const firstTen = Effect.gen(function* () {
 *   yield* MetaData.make(Tag).createAll
 *   return yield* Stream.runCollect(Stream.take(Query.stream(Query.select(Tag).orderBy(Tag.c.id)), 10))
 * }).pipe(Effect.provide(Engine.layer("sqlite://")))
 *
 * @since 0.2.0
 * @category execution
 */
export const stream = <Row>(
  query: Select<Row, any, any> | Compound<Row, any>,
  options?: { readonly chunk?: number | undefined }
): Stream.Stream<Row, DatabaseError | DecodeError | EncodeError, Engine.Engine> =>
  Stream.unwrap(Effect.gen(function*() {
    const engine = yield* Engine.Engine
    const node = query.node
    const decoding = (query as unknown as { decoding: Decoding }).decoding
    const selection = selectionOf(node)!
    const steps = yield* compileIn(engine.dialect, node)
    const step = steps[0]!
    const wide = engine.dialect.values.bigintNeedsSafeIntegers && selection.some((s) => s.type._tag === "bigint")
    const nullableSources = node._tag === "Select" ? leftJoined(node) : new Set<string>()
    const decode = decoderFor(engine.dialect, decoding, selection, nullableSources)
    return engine.stream(step.sql, step.params, { safeIntegers: wide, chunk: options?.chunk }).pipe(
      Stream.mapChunksEffect((chunk) => attempt(() => Chunk.map(chunk, (row) => decode(row) as Row), isDecodeError))
    )
  }))
