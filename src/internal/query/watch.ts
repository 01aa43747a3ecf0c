/**
 * Live queries: `Query.watch(select)`, a stream of the select's result now and after each
 * commit through the engine that wrote a table it reads (`Engine.watch`). Re-exported by
 * `src/Query.ts`; the session's `watch` calls it on the session's engine.
 */
import { Effect, Stream } from "effect"
import * as Engine from "../../Engine.js"
import type { DatabaseError, DecodeError, EncodeError } from "../../Errors.js"
import type * as Ast from "../ast/nodes.js"
import type { Compound } from "./compound.js"
import { executeWith } from "./execute.js"
import type { Select } from "./select.js"

// Keys under which a node keeps no table it reads: a table's own definition, value types.
const skipped = new Set(["table", "type", "decoding", "schema"])

/**
 * The tables a statement reads: every table in FROM and JOIN, in subqueries, CTEs and
 * compounds, wherever they are nested (a walk of the AST, so that a new node kind is
 * covered without being listed here).
 */
export const tablesRead = (node: Ast.Statement): ReadonlyArray<string> => {
  const tables = new Set<string>()
  const seen = new Set<object>()
  const visit = (value: unknown): void => {
    if (typeof value !== "object" || value === null || seen.has(value)) return
    seen.add(value)
    if (Array.isArray(value)) {
      for (const item of value) visit(item)
      return
    }
    const record = value as Record<string, unknown>
    if (record["_tag"] === "Table") {
      const table = record["table"] as { readonly tableName?: unknown } | undefined
      if (typeof table?.tableName === "string") tables.add(table.tableName)
    }
    for (const key in record) if (!skipped.has(key)) visit(record[key])
  }
  visit(node)
  return [...tables]
}

/**
 * The result of `query` now, and again after every commit through this engine that wrote
 * a table the query reads (or ran raw SQL that writes). Each run is outside any
 * transaction, so it never shows uncommitted data; commits that come while a run is in
 * flight are coalesced into one more run. Interrupting the stream (or `Stream.take`)
 * unregisters it. Writes from other processes are not seen.
 *
 * @example
 * import { Effect, Stream } from "effect"
 * import { Column, Query, Table } from "retort-orm"
 * class Task extends Table.Class<Task>("Task")("tasks", { id: Column.integer({ primaryKey: true }), done: Column.boolean() }) {}
 * const open = Query.watch(Query.select(Task).where(Task.c.done.eq(false)))
 * const firstTwo = Stream.runCollect(Stream.take(open, 2))
 *
 * @since 0.4.0
 * @category execution
 */
export const watch = <Row>(
  query: Select<Row, any, any> | Compound<Row, any>
): Stream.Stream<ReadonlyArray<Row>, DatabaseError | DecodeError | EncodeError, Engine.Engine> =>
  Stream.unwrap(Effect.map(Engine.Engine, (engine) => watchWith(engine, query)))

/** {@link watch} on a given engine (the session's). */
export const watchWith = <Row>(
  engine: Engine.Engine,
  query: Select<Row, any, any> | Compound<Row, any>
): Stream.Stream<ReadonlyArray<Row>, DatabaseError | DecodeError | EncodeError> =>
  engine.watch(tablesRead(query.node), executeWith(engine, query) as Effect.Effect<ReadonlyArray<Row>, DatabaseError | DecodeError | EncodeError>)
