/**
 * `Query.delete`: DELETE from a model's table. Re-exported by `src/Query.ts`.
 */
import type * as ExprModule from "../../Expr.js"
import * as Ast from "../ast/nodes.js"
import * as Table from "../../Table.js"

import { type Affected, type Returned } from "./insert.js"
import { type Compilable, type Shape, type Source, TypeId } from "./shapes.js"
import { type Decoding, conjunction, proto, returningDecoding, returningSelection, toSource } from "./build.js"

type Expr<A> = ExprModule.Expr<A>

/**
 * A DELETE: `Query.delete(Model).where(…)`. Runs to the number of rows deleted, or to the
 * deleted rows with `returning`.
 *
 * @example
 * import { Column, Query, Table } from "retort-orm"
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
  /**
   * DELETE with other sources (models, aliases, subqueries, CTEs), joined by conditions in
   * `where`: the rows of the model's table for which the sources have a match are deleted.
   * PostgreSQL writes `DELETE … USING`, MariaDB its multi-table DELETE (a correlated `EXISTS`
   * with `returning`), SQLite a correlated `EXISTS`: the same rows everywhere.
   */
  using(...sources: ReadonlyArray<Source>): Delete<M, Result>
  returning<R extends M | Shape>(what: R): Delete<M, ReadonlyArray<Returned<M, R>>>
}


const makeDelete = (model: Table.Any, node: Ast.Delete, decoding: Decoding): Delete<any, any> =>
  Object.assign(Object.create(proto), {
    [TypeId]: "Delete",
    node,
    decoding,
    where: (...conditions: ReadonlyArray<Expr<any>>) => makeDelete(model, { ...node, where: conjunction(node.where, conditions) }, decoding),
    using: (...sources: ReadonlyArray<Source>) => makeDelete(model, { ...node, using: [...(node.using ?? []), ...sources.map(toSource)] }, decoding),
    returning: (what: unknown) =>
      makeDelete(model, { ...node, returning: returningSelection(node.table, what) }, returningDecoding(model, node.table, what))
  })

/**
 * Starts a DELETE from a model's table. Without `where`, every row is deleted.
 *
 * @example
 * import { Column, Query, Table } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const purge = Query.delete(Tag).where(Tag.c.name.like("tmp%"))
 *
 * @since 0.1.0
 * @category constructors
 */
export const delete_ = <M extends Table.Any>(model: M): Delete<M> =>
  makeDelete(model, { _tag: "Delete", table: Table.definition(model), where: undefined, returning: undefined }, { _tag: "Record" })

