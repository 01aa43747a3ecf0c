/**
 * Compound selects (`UNION`, `UNION ALL`, …) ordered and limited as a whole. Built from a
 * select's `.union(…)`; re-exported by `src/Query.ts`.
 */
import type * as ExprModule from "../../Expr.js"
import * as Ast from "../ast/nodes.js"
import { type ExprLike, toOrderTerm } from "../expr.js"

import { type Compilable, type Shape, type Subquery, TypeId } from "./shapes.js"
import { type Decoding, makeSubquery, proto } from "./build.js"
import { type Select } from "./select.js"

type Expr<A> = ExprModule.Expr<A>

/**
 * `UNION` / `INTERSECT` / `EXCEPT` (and their `ALL` forms) of selects, ordered and limited as a whole (by output column).
 *
 * @example
 * import { Column, Query, Table } from "retort-orm"
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
  /** `INTERSECT` with what comes before it (chains evaluate left to right on every database). */
  intersect(other: Select<Row, any, any>): Compound<Row, S>
  /** `INTERSECT ALL` (not on SQLite: the compiler refuses it there). */
  intersectAll(other: Select<Row, any, any>): Compound<Row, S>
  /** `EXCEPT`: the rows so far that are not in `other`. */
  except(other: Select<Row, any, any>): Compound<Row, S>
  /** `EXCEPT ALL` (not on SQLite: the compiler refuses it there). */
  exceptAll(other: Select<Row, any, any>): Compound<Row, S>
  /** Orders by output columns: pass the expressions of the first select (or their `.asc()` / `.desc()`). */
  orderBy(...terms: ReadonlyArray<Expr<any> | ExprModule.Order>): Compound<Row, S>
  limit(n: number): Compound<Row, S>
  offset(n: number): Compound<Row, S>
  as<Name extends string>(alias: Name): Subquery<S, Name>
}


export const makeCompound = (node: Ast.Compound, decoding: Decoding): Compound<any, any> => {
  const next = (changes: Partial<Ast.Compound>) => makeCompound({ ...node, ...changes }, decoding)
  return Object.assign(Object.create(proto), {
    [TypeId]: "Compound",
    node,
    decoding,
    union: (other: Select<any, any, any>) => next({ parts: [...node.parts, { op: "UNION", query: other.node }] }),
    unionAll: (other: Select<any, any, any>) => next({ parts: [...node.parts, { op: "UNION ALL", query: other.node }] }),
    intersect: (other: Select<any, any, any>) => next({ parts: [...node.parts, { op: "INTERSECT", query: other.node }] }),
    intersectAll: (other: Select<any, any, any>) => next({ parts: [...node.parts, { op: "INTERSECT ALL", query: other.node }] }),
    except: (other: Select<any, any, any>) => next({ parts: [...node.parts, { op: "EXCEPT", query: other.node }] }),
    exceptAll: (other: Select<any, any, any>) => next({ parts: [...node.parts, { op: "EXCEPT ALL", query: other.node }] }),
    orderBy: (...terms: ReadonlyArray<Expr<any> | Ast.OrderTerm>) =>
      next({ orderBy: [...node.orderBy, ...terms.map((t) => toOrderTerm(t as ExprLike | Ast.OrderTerm))] }),
    limit: (n: number) => next({ limit: n }),
    offset: (n: number) => next({ offset: n }),
    as: (alias: string) => makeSubquery(node, alias)
  })
}

