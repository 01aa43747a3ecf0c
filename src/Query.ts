/**
 * Queries (Core): immutable builders over retort's AST, compiled per dialect and run
 * against the engine. Every value is a bound parameter; every identifier is quoted.
 *
 * This first slice reads whole models and inserts rows; filters, joins, aggregates and
 * the rest of the expression language build on the same AST.
 *
 * @since 0.1.0
 */
import { SqlClient } from "@effect/sql"
import { Effect, Pipeable, type Schema } from "effect"
import type * as Column from "./Column.js"
import * as Dialect from "./Dialect.js"
import * as Engine from "./Engine.js"
import { type DatabaseError, DecodeError, EncodeError } from "./Errors.js"
import type * as Ast from "./internal/ast/nodes.js"
import { type Compiled, compile } from "./internal/compiler.js"
import { rowDecoder } from "./internal/rows.js"
import * as Table from "./Table.js"

/**
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("retort/Query")

/**
 * A SELECT of a model: runs to an array of model instances.
 *
 * @example
 * import { Effect } from "effect"
 * import { Column, Query, Table } from "retort"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }) }) {}
 * const tags = Query.execute(Query.select(Tag).orderBy(Tag.c.id).limit(10))
 *
 * @since 0.1.0
 * @category models
 */
export interface Select<M extends Table.Any> extends Pipeable.Pipeable {
  readonly [TypeId]: "Select"
  readonly model: M
  readonly node: Ast.Select
  /** Orders by columns, ascending unless given as `{ column, direction: "desc" }`. */
  readonly orderBy: (
    ...terms: ReadonlyArray<Column.AnyRef | { readonly column: Column.AnyRef; readonly direction: "asc" | "desc" }>
  ) => Select<M>
  readonly limit: (n: number) => Select<M>
  readonly offset: (n: number) => Select<M>
  /** The compiled SQL and parameters for a dialect. */
  readonly toSql: (dialect: Dialect.Dialect | Dialect.DialectName) => Compiled
}

/**
 * An INSERT of one or many rows of a model; runs as few multi-row statements as the
 * dialect's parameter limit allows, in one transaction.
 *
 * @example
 * import { Column, Query, Table } from "retort"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const insert = Query.insert(Tag).values([{ name: "a" }, { name: "b" }])
 *
 * @since 0.1.0
 * @category models
 */
export interface Insert<M extends Table.Any> extends Pipeable.Pipeable {
  readonly [TypeId]: "Insert"
  readonly model: M
  readonly node: Ast.Insert
  /** The compiled statements for a dialect (several when the rows must be split). Throws `EncodeError`. */
  readonly toSql: (dialect: Dialect.Dialect | Dialect.DialectName) => ReadonlyArray<Compiled>
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
  readonly values: (rows: Schema.Schema.Type<M["insert"]> | ReadonlyArray<Schema.Schema.Type<M["insert"]>>) => Insert<M>
}

const dialectOf = (d: Dialect.Dialect | Dialect.DialectName) => (typeof d === "string" ? Dialect.byName(d) : d)

const makeSelect = <M extends Table.Any>(model: M, node: Ast.Select): Select<M> => ({
  [TypeId]: "Select",
  model,
  node,
  orderBy: (...terms) =>
    makeSelect(model, {
      ...node,
      orderBy: [
        ...node.orderBy,
        ...terms.map((t): Ast.OrderTerm => ("_tag" in t ? { column: t, direction: "asc" } : t))
      ]
    }),
  limit: (n) => makeSelect(model, { ...node, limit: n }),
  offset: (n) => makeSelect(model, { ...node, offset: n }),
  toSql: (dialect) => compile(dialectOf(dialect), node)[0]!,
  pipe() {
    return Pipeable.pipeArguments(this, arguments)
  }
})

/**
 * Selects the rows of a model (or of an alias of it) as model instances.
 *
 * @example
 * import { Column, Query, Table } from "retort"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }) }) {}
 * Query.select(Tag).toSql("postgresql").sql // SELECT "tags"."id" FROM "tags"
 *
 * @since 0.1.0
 * @category constructors
 */
export const select = <M extends Table.Any>(model: M | Table.Alias<M>): Select<M> => {
  const isAlias = (model as Table.Alias<M>)._tag === "TableAlias"
  const target = isAlias ? (model as Table.Alias<M>).model : (model as M)
  return makeSelect(target, {
    _tag: "Select",
    table: Table.definition(target),
    alias: isAlias ? (model as Table.Alias<M>).alias : undefined,
    orderBy: [],
    limit: undefined,
    offset: undefined
  })
}

/**
 * Starts an INSERT into a model's table.
 *
 * @example
 * import { Column, Query, Table } from "retort"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * Query.insert(Tag).values({ name: "x" }).toSql("sqlite")[0]!.sql // INSERT INTO "tags" ("name") VALUES (?)
 *
 * @since 0.1.0
 * @category constructors
 */
export const insert = <M extends Table.Any>(model: M): InsertInto<M> => ({
  values: (rows) => {
    const node: Ast.Insert = {
      _tag: "Insert",
      model,
      table: Table.definition(model),
      rows: Array.isArray(rows) ? [...rows] : [rows]
    }
    return {
      [TypeId]: "Insert",
      model,
      node,
      toSql: (dialect) => compile(dialectOf(dialect), node),
      pipe() {
        return Pipeable.pipeArguments(this, arguments)
      }
    }
  }
})

/**
 * What a query gives when run.
 *
 * @example
 * import type { Query } from "retort"
 * type Rows<Q> = Query.Result<Q>
 *
 * @since 0.1.0
 * @category models
 */
export type Result<Q> = Q extends Select<infer M> ? ReadonlyArray<InstanceType<M>> : Q extends Insert<any> ? void : never

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

/**
 * Runs a query on the engine in context (inside the current transaction, if any).
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
export const execute = <Q extends Select<any> | Insert<any>>(
  query: Q
): Effect.Effect<Result<Q>, DatabaseError | DecodeError | EncodeError, Engine.Engine> =>
  Effect.gen(function*() {
    const engine = yield* Engine.Engine
    const statements = yield* attempt(() => compile(engine.dialect, query.node), isEncodeError)
    if (query[TypeId] === "Insert") {
      const run = Effect.forEach(statements, (s) => engine.execute(s.sql, s.params), { discard: true })
      yield* statements.length > 1 ? engine.classify(engine.sql.withTransaction(run)) : run
      return undefined as Result<Q>
    }
    const { sql, params } = statements[0]!
    const table = query.node.table
    const wide = engine.dialect.values.bigintNeedsSafeIntegers && table.columns.some((c) => c.def.type._tag === "bigint")
    const rows = yield* wide ? Effect.provideService(engine.execute(sql, params), SqlClient.SafeIntegers, true) : engine.execute(sql, params)
    const decode = rowDecoder(engine.dialect, query.model, table)
    return yield* attempt(() => rows.map(decode) as unknown as Result<Q>, isDecodeError)
  })
