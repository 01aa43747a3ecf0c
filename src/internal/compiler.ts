/**
 * The statement compiler: one algorithm over the AST (`src/internal/ast/nodes.ts`) with
 * the dialect's hooks for placeholders, quoting, LIKE, concatenation, NULLS ordering,
 * upserts and LIMIT. Every value becomes a bound parameter, encoded for the dialect;
 * every identifier is quoted. Called by `src/internal/query/*`; the parts live in
 * `src/internal/compiler/`.
 */
import type { Dialect } from "../Dialect.js"
import { EncodeError } from "../Errors.js"
import type * as Ast from "./ast/nodes.js"
import { type Compiled, Context, type Step } from "./compiler/context.js"
import { expression } from "./compiler/expression.js"
import { insert, insertSelect } from "./compiler/insert.js"
import { topLevelSelect } from "./compiler/select.js"
import { delete_, update } from "./compiler/update.js"
import { ValueError } from "./values.js"

export type { Compiled, Step } from "./compiler/context.js"

/** Renders one expression on its own (for tests and `Expr` debugging). */
export const compileExpression = (dialect: Dialect, node: Ast.Node): Compiled => {
  const ctx = new Context(dialect)
  const sql = expression(ctx, node)
  return { sql, params: ctx.params }
}

/**
 * Compiled statements, per immutable AST node and dialect: a query built once and run
 * many times is compiled once. Inserts are not cached: their rows are the user's objects.
 */
const cache = new WeakMap<Ast.Statement, Map<string, ReadonlyArray<Step>>>()

/**
 * Compiles a statement into the steps that run it. Throws `EncodeError` for a value its
 * column rejects, a value no database type takes, or a statement its input cannot build.
 */
export const compile = (dialect: Dialect, node: Ast.Statement): ReadonlyArray<Step> => {
  try {
    // Inserts of rows are not cached: their rows are the user's objects. An INSERT … SELECT is.
    if (node._tag === "Insert" && node.select === undefined) return compileUncached(dialect, node)
    let byDialect = cache.get(node)
    if (byDialect === undefined) cache.set(node, byDialect = new Map())
    let steps = byDialect.get(dialect.name)
    if (steps === undefined) byDialect.set(dialect.name, steps = compileUncached(dialect, node))
    return steps
  } catch (e) {
    if (!(e instanceof ValueError)) throw e
    const table = "table" in node ? node.table.tableName : "(query)"
    throw new EncodeError({ message: `${table}: ${e.message}`, table, column: undefined, value: e.value })
  }
}

const compileUncached = (dialect: Dialect, node: Ast.Statement): ReadonlyArray<Step> => {
  switch (node._tag) {
    case "Select":
    case "Compound": {
      const ctx = new Context(dialect)
      const sql = topLevelSelect(ctx, node)
      return [{ sql, params: ctx.params, result: "rows" }]
    }
    case "Insert":
      return node.select === undefined ? insert(dialect, node) : [insertSelect(dialect, { ...node, select: node.select })]
    case "Update":
      return [update(dialect, node)]
    case "Delete":
      return [delete_(dialect, node)]
  }
}
