/**
 * `Query.update`: UPDATE of a model's table, with SET values validated per column.
 * Re-exported by `src/Query.ts`.
 */
import { type Schema } from "effect"
import type * as ExprModule from "../../Expr.js"
import * as Ast from "../ast/nodes.js"
import * as Table from "../../Table.js"

import { type Affected, type Returned } from "./insert.js"
import { type Compilable, type Shape, type Source, TypeId } from "./shapes.js"
import { type Decoding, assignments, conjunction, proto, returningDecoding, returningSelection, toSource } from "./build.js"

type Expr<A> = ExprModule.Expr<A>

/**
 * New values for an UPDATE: a value of the field's type or an expression, per field.
 *
 * @example
 * import { Column, Table, type Query } from "retort-orm"
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
 * import { Column, Query, Table } from "retort-orm"
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
  /**
   * UPDATE with other sources (models, aliases, subqueries, CTEs), joined by conditions in
   * `where`; SET values may use their columns. PostgreSQL and SQLite write `UPDATE … FROM`,
   * MariaDB its multi-table UPDATE. A target row matched by several rows of the sources is
   * updated once, from one of them (which one is up to the database).
   */
  from(...sources: ReadonlyArray<Source>): Update<M, Result>
  returning<R extends M | Shape>(what: R): Update<M, ReadonlyArray<Returned<M, R>>>
}


const makeUpdate = (model: Table.Any, node: Ast.Update, decoding: Decoding): Update<any, any> =>
  Object.assign(Object.create(proto), {
    [TypeId]: "Update",
    node,
    decoding,
    model,
    set: (values: Record<string, unknown>) => makeUpdate(model, { ...node, set: [...node.set, ...assignments(node.table, values)] }, decoding),
    where: (...conditions: ReadonlyArray<Expr<any>>) => makeUpdate(model, { ...node, where: conjunction(node.where, conditions) }, decoding),
    from: (...sources: ReadonlyArray<Source>) => makeUpdate(model, { ...node, from: [...(node.from ?? []), ...sources.map(toSource)] }, decoding),
    returning: (what: unknown) =>
      makeUpdate(model, { ...node, returning: returningSelection(node.table, what) }, returningDecoding(model, node.table, what))
  })

/**
 * Starts an UPDATE of a model's table. Without `where`, every row is updated.
 *
 * @example
 * import { Column, Query, Table } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const rename = Query.update(Tag).set({ name: "b" }).where(Tag.c.name.eq("a"))
 *
 * @since 0.1.0
 * @category constructors
 */
export const update = <M extends Table.Any>(model: M): Update<M> =>
  makeUpdate(model, { _tag: "Update", table: Table.definition(model), set: [], where: undefined, returning: undefined }, { _tag: "Record" })

