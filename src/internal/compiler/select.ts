/**
 * SELECT and compound statements, their FROM sources and the one WITH clause that holds
 * every CTE a statement uses.
 */
import * as Ast from "../ast/nodes.js"
import { ValueError } from "../values.js"
import { Context, count } from "./context.js"
import { expression, orderTerm } from "./expression.js"
import { checkScopes, describeNode } from "./scope.js"

export const source = (ctx: Context, s: Ast.Source): string => {
  switch (s._tag) {
    case "Table":
      return s.alias === undefined ? ctx.q(s.table.tableName) : `${ctx.q(s.table.tableName)} AS ${ctx.q(s.alias)}`
    case "Subquery":
      return `(${selectStatement(ctx, s.query)}) AS ${ctx.q(s.alias)}`
    case "Cte":
      return ctx.q(s.name)
  }
}

/** The CTEs a statement uses, dependencies first; a recursive CTE's reference to itself is not a dependency. */
export const collectCtes = (root: Ast.SelectStatement): ReadonlyArray<Ast.CteSource> => {
  const out: Array<Ast.CteSource> = []
  const seen = new Set<string>()
  const visitSource = (s: Ast.Source | undefined, inside: ReadonlySet<string>) => {
    if (s === undefined) return
    if (s._tag === "Subquery") visitStatement(s.query, inside)
    if (s._tag === "Cte" && !inside.has(s.name) && !seen.has(s.name)) {
      seen.add(s.name)
      visitStatement(s.query, new Set([...inside, s.name]))
      out.push(s)
    }
  }
  const visitNode = (n: Ast.Node | undefined, inside: ReadonlySet<string>): void => {
    if (n === undefined) return
    if (n._tag === "Exists" || n._tag === "Scalar") return visitStatement(n.query, inside)
    if (n._tag === "In" && !Array.isArray(n.list)) visitStatement(n.list as Ast.SelectStatement, inside)
    Ast.children(n).forEach((child) => visitNode(child, inside))
  }
  const visitSelect = (s: Ast.Select, inside: ReadonlySet<string>) => {
    s.ctes.forEach((c) => visitSource(c, inside))
    visitSource(s.from, inside)
    s.joins.forEach((j) => visitSource(j.source, inside))
    s.selection.forEach((sel) => visitNode(sel.node, inside))
    visitNode(s.where, inside)
    visitNode(s.having, inside)
  }
  const visitStatement = (s: Ast.SelectStatement, inside: ReadonlySet<string>) => {
    if (s._tag === "Select") return visitSelect(s, inside)
    visitSelect(s.first, inside)
    s.parts.forEach((p) => visitSelect(p.query, inside))
  }
  visitStatement(root, new Set())
  return out
}

export const withClause = (ctx: Context, ctes: ReadonlyArray<Ast.CteSource>): string => {
  if (ctes.length === 0) return ""
  const recursive = ctes.some((c) => c.recursive) ? "RECURSIVE " : ""
  // CTE bodies are rendered without their own WITH: the statement's one WITH clause holds them all.
  return `WITH ${recursive}${
    ctes.map((c) => `${ctx.q(c.name)} (${c.columns.map((n) => ctx.q(n)).join(", ")}) AS (${selectBody(ctx, c.query)})`).join(", ")
  } `
}

export const limitOffset = (ctx: Context, limit: number | undefined, offset: number | undefined) =>
  ctx.dialect.compiler.limitOffset(
    limit === undefined ? undefined : count(ctx, "LIMIT", limit),
    offset === undefined ? undefined : count(ctx, "OFFSET", offset)
  )

export const selectCore = (ctx: Context, s: Ast.Select): string => {
  const e = (n: Ast.Node) => expression(ctx, n)
  let sql = `SELECT ${s.distinct ? "DISTINCT " : ""}${s.selection.map((sel) => `${e(sel.node)} AS ${ctx.q(sel.alias)}`).join(", ")}`
  if (s.from !== undefined) sql += ` FROM ${source(ctx, s.from)}`
  for (const join of s.joins) sql += ` ${join.kind === "left" ? "LEFT JOIN" : "JOIN"} ${source(ctx, join.source)} ON ${e(join.on)}`
  if (s.where !== undefined) sql += ` WHERE ${e(s.where)}`
  if (s.groupBy.length > 0) sql += ` GROUP BY ${s.groupBy.map(e).join(", ")}`
  if (s.having !== undefined) sql += ` HAVING ${e(s.having)}`
  return sql
}

export const selectTail = (ctx: Context, s: Ast.Select): string => {
  let sql = ""
  if (s.orderBy.length > 0) sql += ` ORDER BY ${s.orderBy.map((t) => orderTerm(ctx, t)).join(", ")}`
  return sql + limitOffset(ctx, s.limit, s.offset) + lockClause(ctx, s.lock)
}

const lockClause = (ctx: Context, lock: Ast.Lock | undefined): string =>
  lock === undefined
    ? ""
    : ctx.dialect.compiler.lock({ strength: lock.strength, wait: lock.wait, of: lock.of.map((t) => ctx.q(t.alias ?? t.table.tableName)) })

/**
 * The same output column: a model select builds fresh column nodes, so `Model.c.id` is
 * matched by table (or alias) and name, not by identity.
 */
const sameColumn = (a: Ast.Node, b: Ast.Node): boolean =>
  a === b ||
  (a._tag === "ColumnRef" && b._tag === "ColumnRef" && a.name === b.name &&
    (a.table.alias ?? a.table.tableName) === (b.table.alias ?? b.table.tableName)) ||
  (a._tag === "SourceColumn" && b._tag === "SourceColumn" && a.source === b.source && a.name === b.name)

const isIntersect = (op: Ast.SetOperator) => op === "INTERSECT" || op === "INTERSECT ALL"

/** A SELECT or compound without its WITH clause. */
export const selectBody = (ctx: Context, s: Ast.SelectStatement): string => {
  if (s._tag === "Select") return selectCore(ctx, s) + selectTail(ctx, s)
  // A member with its own ORDER BY or LIMIT becomes a subquery: SQLite forbids parentheses
  // around compound members, and their clauses would otherwise bind to the whole compound.
  const member = (m: Ast.Select, i: number) => {
    if (m.lock !== undefined) throw new ValueError("a member of a compound select cannot lock rows (FOR UPDATE / FOR SHARE)", "lock")
    return m.orderBy.length === 0 && m.limit === undefined && m.offset === undefined
      ? selectCore(ctx, m)
      : `SELECT * FROM (${selectCore(ctx, m)}${selectTail(ctx, m)}) AS ${ctx.q(`_member${i}`)}`
  }
  let sql = member(s.first, 0)
  // Chains evaluate left to right, as SQLite does. PostgreSQL and MariaDB bind INTERSECT
  // tighter than UNION and EXCEPT, so what comes before an INTERSECT that follows either
  // is nested as one select (SQLite forbids parentheses around members).
  let loose = false
  s.parts.forEach((part, i) => {
    const op = ctx.dialect.compiler.setOperator(part.op)
    if (isIntersect(part.op) && loose) {
      sql = `SELECT * FROM (${sql}) AS ${ctx.q(`_compound${i}`)}`
      loose = false
    }
    sql += ` ${op} ${member(part.query, i + 1)}`
    if (!isIntersect(part.op)) loose = true
  })
  // A compound is ordered by its output columns (the first select's): anything else the
  // servers reject, so it is refused here.
  const aliasOf = (node: Ast.Node) => {
    const found = s.first.selection.find((sel) => sameColumn(sel.node, node))
    if (found === undefined) {
      throw new ValueError(
        `a compound select is ordered by its output columns; ${describeNode(node)} is not one of its first select's (${
          s.first.selection.map((sel) => sel.alias).join(", ")
        })`,
        describeNode(node)
      )
    }
    return found.alias
  }
  if (s.orderBy.length > 0) sql += ` ORDER BY ${s.orderBy.map((t) => orderTerm(ctx, t, aliasOf)).join(", ")}`
  return sql + limitOffset(ctx, s.limit, s.offset)
}

export const selectStatement = (ctx: Context, s: Ast.SelectStatement): string => {
  if (!ctx.ctesInSubqueries) return selectBody(ctx, s)
  // A subquery of a write on a dialect without WITH before writes: it carries its own WITH,
  // which also covers the subqueries inside it.
  ctx.ctesInSubqueries = false
  try {
    return withClause(ctx, collectCtes(s)) + selectBody(ctx, s)
  } finally {
    ctx.ctesInSubqueries = true
  }
}

export const topLevelSelect = (ctx: Context, s: Ast.SelectStatement): string => {
  // Columns of tables the statement does not read fail here, naming the table, not on the server.
  checkScopes(s)
  // Render the body first (parameters in order), then prepend WITH: CTE parameters come first
  // in the SQL text, so they must be bound first.
  const ctes = collectCtes(s)
  const withCtx = new Context(ctx.dialect)
  const prefix = withClause(withCtx, ctes)
  const bodyCtx = new Context(ctx.dialect)
  bodyCtx.params.push(...withCtx.params)
  const body = selectBody(bodyCtx, s)
  ctx.params.push(...bodyCtx.params)
  return prefix + body
}

