/**
 * Common table expressions: `Query.with` and `Query.withRecursive`. The compiler finds the
 * CTEs a statement uses and emits one WITH clause. Re-exported by `src/Query.ts`.
 */
import * as Ast from "../ast/nodes.js"

import { type Compound } from "./compound.js"
import { type Cte, type Shape } from "./shapes.js"
import { type Select } from "./select.js"
import { firstSelect, sourceColumns } from "./build.js"


/**
 * A common table expression over a query, referred to by `name`.
 *
 * @example
 * import { Column, Query, Table } from "retort-orm"
 * class Sale extends Table.Class<Sale>("Sale")("sales", { id: Column.integer({ primaryKey: true }), amount: Column.integer() }) {}
 * const big = Query.with("big_sales", Query.select({ id: Sale.c.id, amount: Sale.c.amount }).from(Sale).where(Sale.c.amount.gt(100)))
 *
 * @since 0.1.0
 * @category constructors
 */
export const with_ = <S extends Shape, Name extends string>(name: Name, query: Select<any, S, any> | Compound<any, S>): Cte<S, Name> => {
  const selection = firstSelect(query.node).selection
  return {
    _tag: "Cte",
    name,
    source: { _tag: "Cte", name, query: query.node, recursive: false, columns: selection.map((s) => s.alias) },
    c: sourceColumns(name, selection) as any
  }
}

/**
 * A recursive CTE: `base UNION ALL recursive(self)`, where `recursive` selects from
 * `self` (the CTE being defined). The columns are those of `base`.
 *
 * @example
 * import { Column, Expr, Query, Table } from "retort-orm"
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

