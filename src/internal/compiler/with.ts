/**
 * The WITH clause of writes (UPDATE, DELETE, INSERT … SELECT): the CTEs that their
 * subqueries, sources, SET values and RETURNING use, placed where the dialect takes them
 * (`writeCtes`: before the statement, or inside each subquery that needs them).
 */
import type { Dialect } from "../../Dialect.js"
import * as Ast from "../ast/nodes.js"
import { type Compiled, Context } from "./context.js"
import { collectCtes, selectStatement, source, withClause } from "./select.js"

type Write = Ast.Insert | Ast.Update | Ast.Delete

const always: Ast.Node = { _tag: "Literal", value: true }

/** Everything of a write that may use a CTE, as one SELECT for `collectCtes` to walk (never rendered). */
const asSelect = (node: Write): Ast.Select => {
  const values: Array<Ast.Node> = (node.returning ?? []).map((sel) => sel.node)
  let sources: ReadonlyArray<Ast.Source> = []
  if (node._tag === "Update") {
    node.set.forEach((a) => values.push(a.value))
    sources = node.from ?? []
  } else if (node._tag === "Delete") {
    sources = node.using ?? []
  } else {
    if (node.onConflict?.action._tag === "DoUpdate") node.onConflict.action.set.forEach((a) => values.push(a.value))
    if (node.select !== undefined) sources = [{ _tag: "Subquery", query: node.select, alias: "" }]
  }
  return Ast.select(
    values.map((n) => ({ node: n, alias: "", type: { _tag: "unknown" }, nullable: true })),
    undefined,
    sources.map((s) => ({ kind: "inner", source: s, on: always })),
    node._tag === "Insert" ? undefined : node.where
  )
}


/** The CTEs a write uses, dependencies first. */
export const writeCtes = (node: Write): ReadonlyArray<Ast.CteSource> => collectCtes(asSelect(node))

/**
 * Compiles a write with the WITH clause of the CTEs it uses. `render` writes the statement
 * (without WITH) into the context it is given, binding parameters in text order.
 */
export const compileWrite = (dialect: Dialect, node: Write, render: (ctx: Context) => string): Compiled => {
  const ctes = writeCtes(node)
  const ctx = new Context(dialect)
  if (ctes.length === 0) return { sql: render(ctx), params: ctx.params }
  if (dialect.compiler.writeCtes === "subquery") {
    ctx.ctesInSubqueries = true
    return { sql: render(ctx), params: ctx.params }
  }
  // As for a SELECT: WITH comes first in the text, so its parameters are bound first.
  const withCtx = new Context(dialect)
  const prefix = withClause(withCtx, ctes)
  ctx.params.push(...withCtx.params)
  return { sql: prefix + render(ctx), params: ctx.params }
}

/**
 * A source of an UPDATE … FROM or DELETE … USING. Where subqueries carry the WITH, a CTE
 * becomes a derived table that selects all of it under its own WITH.
 */
export const writeSource = (ctx: Context, s: Ast.Source): string => {
  if (s._tag !== "Cte" || !ctx.ctesInSubqueries) return source(ctx, s)
  const all = Ast.select(
    s.columns.map((name) => ({ node: { _tag: "SourceColumn", source: s.name, name }, alias: name, type: { _tag: "unknown" }, nullable: true })),
    s,
    [],
    undefined
  )
  return `(${selectStatement(ctx, all)}) AS ${ctx.q(s.name)}`
}
