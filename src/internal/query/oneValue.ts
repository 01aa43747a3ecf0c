/**
 * One-value results: `Query.scalar` (the first row's only column) and `Query.exists`, and
 * their session forms. Re-exported by `src/Query.ts`.
 */
import { Effect } from "effect"
import * as Engine from "../../Engine.js"
import type { DatabaseError, DecodeError } from "../../Errors.js"
import { EncodeError } from "../../Errors.js"
import type * as Ast from "../ast/nodes.js"

import { type Compilable, type Result, TypeId } from "./shapes.js"
import { type Compound } from "./compound.js"
import { type Decoding, emptySelect, firstSelect, proto } from "./build.js"
import { executeWith } from "./execute.js"
import { type Select } from "./select.js"

/** `true` when `K` is exactly one key. */
type Single<K, All = K> = [K] extends [never] ? false : K extends unknown ? ([All] extends [K] ? true : false) : never

type RowOfQuery<Q> = Result<Q> extends ReadonlyArray<infer R> ? R : never

/**
 * Accepts a query of exactly one column; anything else is a type error that says so.
 *
 * @example
 * import type { Expr, Query } from "retort-orm"
 * type Ok = Query.OneColumn<Query.Select<{ readonly n: number }, { n: Expr.Expr<number> }>> // unknown
 *
 * @since 0.3.0
 * @category type-level
 */
export type OneColumn<Q> = Single<keyof RowOfQuery<Q>> extends true ? unknown : { readonly "~error": "Query.scalar needs a select of exactly one column" }

/**
 * The value type of a one-column query's only column, or `null` (no row).
 *
 * @example
 * import type { Expr, Query } from "retort-orm"
 * type N = Query.ScalarOf<Query.Select<{ readonly n: number }, { n: Expr.Expr<number> }>> // number | null
 *
 * @since 0.3.0
 * @category type-level
 */
export type ScalarOf<Q> = RowOfQuery<Q>[keyof RowOfQuery<Q>] | null

/** Derived statements, one per query node: built once, so their compiled SQL is cached too. */
const firstRows = new WeakMap<Ast.SelectStatement, Compilable>()
const existences = new WeakMap<Ast.SelectStatement, Compilable>()

const recordQuery = (node: Ast.Select | Ast.Compound): Compilable =>
  Object.assign(Object.create(proto), { [TypeId]: node._tag, node, decoding: { _tag: "Record" } satisfies Decoding })

/** The query limited to its first row, decoded as a record. */
const firstRowOf = (node: Ast.SelectStatement): Compilable => {
  let q = firstRows.get(node)
  if (q === undefined) {
    firstRows.set(node, q = recordQuery({ ...node, limit: node.limit === undefined ? 1 : Math.min(node.limit, 1) }))
  }
  return q
}

/** `SELECT EXISTS (query)`, which every database answers with one row. */
const existenceOf = (node: Ast.SelectStatement): Compilable => {
  let q = existences.get(node)
  if (q === undefined) {
    const test: Ast.Selection = { node: { _tag: "Exists", query: node, negated: false }, alias: "exists", type: { _tag: "boolean" }, nullable: false }
    existences.set(node, q = recordQuery(emptySelect([test], undefined)))
  }
  return q
}

/**
 * {@link scalar} on a given engine (the session's path).
 *
 * @internal
 */
export const scalarWith = <Q extends Select<any, any, any> | Compound<any, any>>(
  engine: Engine.Engine,
  query: Q
): Effect.Effect<ScalarOf<Q>, DatabaseError | DecodeError | EncodeError> =>
  Effect.suspend(() => {
    const selection = firstSelect(query.node).selection
    if (selection.length !== 1) {
      return Effect.fail(
        new EncodeError({ message: `Query.scalar needs a select of exactly one column, not ${selection.length}`, table: "(query)", column: undefined })
      )
    }
    const alias = selection[0]!.alias
    return Effect.map(
      executeWith(engine, firstRowOf(query.node)) as Effect.Effect<ReadonlyArray<Record<string, unknown>>, DatabaseError | DecodeError | EncodeError>,
      (rows) => (rows[0]?.[alias] ?? null) as ScalarOf<Q>
    )
  })

/**
 * {@link exists} on a given engine (the session's path).
 *
 * @internal
 */
export const existsWith = (
  engine: Engine.Engine,
  query: Select<any, any, any> | Compound<any, any>
): Effect.Effect<boolean, DatabaseError | DecodeError | EncodeError> =>
  Effect.map(
    Effect.suspend(() => executeWith(engine, existenceOf(query.node))) as Effect.Effect<ReadonlyArray<{ readonly exists: boolean }>, DatabaseError | DecodeError | EncodeError>,
    (rows) => rows[0]?.exists === true
  )

/**
 * Runs a one-column query and gives the value of its first row, or `null` when it has no
 * row (it is limited to one row). A query of several columns is a type error.
 *
 * @example
 * import { Effect } from "effect"
 * import { Column, Engine, Fn, MetaData, Query, Table } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const program = Effect.gen(function* () {
 *   yield* MetaData.make(Tag).createAll
 *   const n = yield* Query.scalar(Query.select({ n: Fn.count() }).from(Tag)) // number | null
 *   const last = yield* Query.scalar(Query.select({ name: Tag.c.name }).from(Tag).orderBy(Tag.c.id.desc()))
 * }).pipe(Effect.provide(Engine.layer("sqlite://")))
 *
 * @since 0.3.0
 * @category execution
 */
export const scalar = <Q extends Select<any, any, any> | Compound<any, any>>(
  query: Q & OneColumn<Q>
): Effect.Effect<ScalarOf<Q>, DatabaseError | DecodeError | EncodeError, Engine.Engine> =>
  Effect.flatMap(Engine.Engine, (engine) => scalarWith(engine, query))

/**
 * Whether a query has at least one row: one `SELECT EXISTS (…)`, which reads no more
 * than the first row.
 *
 * @example
 * import { Effect } from "effect"
 * import { Column, Engine, MetaData, Query, Table } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const program = Effect.gen(function* () {
 *   yield* MetaData.make(Tag).createAll
 *   return yield* Query.exists(Query.select(Tag).where(Tag.c.name.eq("retort"))) // false
 * }).pipe(Effect.provide(Engine.layer("sqlite://")))
 *
 * @since 0.3.0
 * @category execution
 */
export const exists = (
  query: Select<any, any, any> | Compound<any, any>
): Effect.Effect<boolean, DatabaseError | DecodeError | EncodeError, Engine.Engine> =>
  Effect.flatMap(Engine.Engine, (engine) => existsWith(engine, query))
