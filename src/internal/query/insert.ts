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
import type { TableDef } from "../tableDef.js"
import * as Table from "../../Table.js"

import { type Compilable, type RowOf, type Shape, TypeId } from "./shapes.js"
import { type Decoding, assignments, dialectOf, firstSelect, proto, returningDecoding, returningSelection } from "./build.js"
import { type Compound } from "./compound.js"
import { type Select } from "./select.js"
import { type UpdateValues } from "./update.js"

type Expr<A> = ExprModule.Expr<A>

/**
 * How many rows an INSERT, UPDATE or DELETE changed.
 *
 * @example
 * import type { Query } from "retort-orm"
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
 * import { Column, Query, Table } from "retort-orm"
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
 * import { Column, Query, Table } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const one = Query.insert(Tag).values({ name: "a" })
 *
 * @since 0.1.0
 * @category models
 */
export interface InsertInto<M extends Table.Any> {
  values(rows: Schema.Schema.Type<M["insert"]> | ReadonlyArray<Schema.Schema.Type<M["insert"]>>): Insert<M>
  /**
   * INSERT … SELECT: the rows a query selects, in one statement. Without `columns`, each
   * selected name (a field key or a column name of the model) is the column it fills, and
   * the query's row type is checked against the model's insert type; with `columns`, the
   * query's columns fill them in order. A name that is not a column of the model throws a
   * `TypeError` when the statement is built. CTEs the query uses (`.with(…)`, in FROM or in
   * its subqueries) are written for you.
   *
   * The rows come from the database and are not validated by the model's Schema: its
   * constraints (NOT NULL, CHECK, foreign keys) are the database's to enforce. Client-side
   * defaults (`default`) are not applied: a column that has one must be selected (else a
   * `TypeError`); columns left out get their server default, identity or NULL.
   */
  fromSelect<Row extends SelectedInsert<M, Row>>(query: Select<Row, any, any> | Compound<Row, any>): Insert<M>
  fromSelect(query: Select<any, any, any> | Compound<any, any>, columns: ReadonlyArray<Extract<M["c"][keyof M["c"]], Column.AnyRef>>): Insert<M>
}

/**
 * A query's row that an INSERT … SELECT into `M` takes: every field the insert needs, of its
 * type, and no field `M` lacks.
 *
 * @example
 * import { Column, Table, type Query } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * type Ok = { readonly name: string } extends Query.SelectedInsert<typeof Tag, { readonly name: string }> ? true : false // true
 *
 * @since 0.3.0
 * @category type-level
 */
export type SelectedInsert<M extends Table.Any, Row> =
  & Schema.Schema.Type<M["insert"]>
  & { readonly [K in Exclude<keyof Row, keyof Schema.Schema.Type<M["insert"]>>]: never }


/**
 * In an upsert's `doUpdate`, the value the conflicting insert would have written.
 *
 * @example
 * import { Column, Query, Table } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.string({ length: 20, unique: true }), uses: Column.integer() }) {}
 * const upsert = Query.insert(Tag).values({ name: "a", uses: 1 }).onConflict({ target: [Tag.c.name], doUpdate: { uses: Query.excluded(Tag.c.uses) } })
 *
 * @since 0.1.0
 * @category constructors
 */
export const excluded = <A>(column: Column.Ref<any, string, A>): Expr<A> =>
  make({ _tag: "Excluded", column: column.name }, column.valueType, column.nullable) as unknown as Expr<A>


/** The database names of the columns an INSERT … SELECT fills: named by `columns`, or by what the query selects. */
const selectedColumns = (table: TableDef, selection: ReadonlyArray<Ast.Selection>, columns: ReadonlyArray<Column.AnyRef> | undefined) => {
  const names = columns === undefined
    ? selection.map((sel) => {
      const column = table.byKey.get(sel.alias) ?? table.columns.find((c) => c.name === sel.alias)
      if (column === undefined) throw new TypeError(`INSERT … SELECT: "${sel.alias}" is not a column of ${table.identifier}`)
      return column.name
    })
    : columns.map((ref) => {
      if (ref._tag !== "ColumnRef") throw new TypeError(`INSERT … SELECT into ${table.identifier}: a column list names columns, not computed properties or other expressions`)
      if (ref.table.def !== table || ref.table.alias !== undefined) {
        throw new TypeError(`INSERT … SELECT: ${ref.table.alias ?? ref.table.tableName}.${ref.name} is not a column of ${table.identifier}`)
      }
      return ref.name
    })
  if (columns !== undefined && columns.length !== selection.length) {
    throw new TypeError(`INSERT … SELECT into ${table.identifier}: ${columns.length} columns named, the query selects ${selection.length}`)
  }
  const repeated = names.find((name, i) => names.indexOf(name) !== i)
  if (repeated !== undefined) throw new TypeError(`INSERT … SELECT into ${table.identifier}: column "${repeated}" is filled twice`)
  // A client-side default is computed per row in JavaScript: rows made by the database would
  // silently get the database's default (or NULL) instead.
  const defaulted = table.columns.find((c) => c.def.default !== undefined && c.def.serverDefault === undefined && !names.includes(c.name))
  if (defaulted !== undefined) {
    throw new TypeError(
      `INSERT … SELECT into ${table.identifier}: "${defaulted.key}" has a client-side default, which an INSERT … SELECT cannot apply; select a value for it`
    )
  }
  return names
}

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
 * import { Column, Query, Table } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * Query.insert(Tag).values({ name: "x" }).toSql("sqlite").sql // INSERT INTO "tags" ("name") VALUES (?)
 *
 * @since 0.1.0
 * @category constructors
 */
export const insert = <M extends Table.Any>(model: M): InsertInto<M> => ({
  fromSelect: (query: Select<any, any, any> | Compound<any, any>, columns?: ReadonlyArray<Column.AnyRef>) => {
    const table = Table.definition(model)
    return makeInsert(model, {
      _tag: "Insert",
      model,
      table,
      rows: [],
      onConflict: undefined,
      returning: undefined,
      select: query.node,
      columns: selectedColumns(table, firstSelect(query.node).selection, columns)
    }, { _tag: "Record" })
  },
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

