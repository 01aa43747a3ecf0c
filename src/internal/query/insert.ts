/**
 * `Query.insert`: INSERT of rows (validated against the model), upserts and RETURNING.
 * Re-exported by `src/Query.ts`.
 */
import { type Schema } from "effect"
import type * as Column from "../../Column.js"
import * as Dialect from "../../Dialect.js"
import type * as ExprModule from "../../Expr.js"
import * as Ast from "../ast/nodes.js"
import { type Compiled, compile } from "../compiler.js"
import { make } from "../expr.js"
import * as Table from "../../Table.js"

import { type Compilable, type RowOf, type Shape, TypeId } from "./shapes.js"
import { type Decoding, assignments, dialectOf, proto, returningDecoding, returningSelection } from "./build.js"
import { type UpdateValues } from "./update.js"

type Expr<A> = ExprModule.Expr<A>

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

/** @internal */
export type Returned<M extends Table.Any, R> = R extends Table.Any ? InstanceType<M> : R extends Shape ? RowOf<R> : never

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

