/**
 * The FROM check: every column a select uses must come from a source it reads (its FROM
 * and JOINs) or, in a correlated subquery, from an enclosing select's. A column of a
 * table that is not there fails at compile time, naming the table, instead of on the
 * server with a message that differs per database.
 */
import * as Ast from "../ast/nodes.js"
import { ValueError } from "../values.js"

/** How a node is named in an error: `Track.trackId`, `manager.lastName`, `per_album.n`. */
export const describeNode = (node: Ast.Node): string => {
  switch (node._tag) {
    case "ColumnRef":
      return `${node.table.alias ?? node.table.def.identifier}.${node.key}`
    case "SourceColumn":
      return `${node.source}.${node.name}`
    default:
      return `an expression (${node._tag})`
  }
}

const sourceName = (s: Ast.Source): string =>
  s._tag === "Table" ? s.alias ?? s.table.tableName : s._tag === "Subquery" ? s.alias : s.name

/** Throws `ValueError` for a column whose table (or subquery, or CTE) no enclosing select reads. */
export const checkScopes = (root: Ast.SelectStatement): void => {
  // A CTE is checked once, however many selects refer to it.
  const checkedCtes = new Set<Ast.CteSource>()

  const statement = (s: Ast.SelectStatement, outer: ReadonlyArray<ReadonlySet<string>>): void => {
    if (s._tag === "Select") return select(s, outer)
    select(s.first, outer)
    s.parts.forEach((p) => select(p.query, outer))
  }

  const source = (s: Ast.Source, outer: ReadonlyArray<ReadonlySet<string>>) => {
    // A subquery in FROM is not LATERAL: it sees the enclosing selects, not its siblings.
    if (s._tag === "Subquery") statement(s.query, outer)
    // A CTE's body sees nothing of the statement that uses it.
    if (s._tag === "Cte" && !checkedCtes.has(s)) {
      checkedCtes.add(s)
      statement(s.query, [])
    }
  }

  const select = (s: Ast.Select, outer: ReadonlyArray<ReadonlySet<string>>) => {
    const sources = [...(s.from === undefined ? [] : [s.from]), ...s.joins.map((j) => j.source)]
    sources.forEach((src) => source(src, outer))
    s.ctes.forEach((c) => source(c, outer))
    const here = new Set(sources.map(sourceName))
    const scopes = [...outer, here]
    const visible = (name: string) => scopes.some((scope) => scope.has(name))
    const walk = (node: Ast.Node | undefined, clause: string): void => {
      if (node === undefined) return
      switch (node._tag) {
        case "ColumnRef": {
          if (!visible(node.table.alias ?? node.table.tableName)) {
            const name = node.table.alias === undefined
              ? node.table.def.identifier
              : `${node.table.alias} (an alias of ${node.table.def.identifier})`
            throw new ValueError(
              `${name} is selected from but is not in FROM or JOIN (${describeNode(node)} is used in ${clause})`,
              describeNode(node)
            )
          }
          return
        }
        case "SourceColumn": {
          if (!visible(node.source)) {
            throw new ValueError(
              `${node.source} is selected from but is not in FROM or JOIN (${describeNode(node)} is used in ${clause})`,
              describeNode(node)
            )
          }
          return
        }
        case "Exists":
        case "Scalar":
          return statement(node.query, scopes)
        case "In":
          if (!Array.isArray(node.list)) statement(node.list as Ast.SelectStatement, scopes)
      }
      Ast.children(node).forEach((child) => walk(child, clause))
    }
    s.selection.forEach((sel) => walk(sel.node, "the selection"))
    s.joins.forEach((j) => walk(j.on, "a JOIN ON"))
    walk(s.where, "WHERE")
    s.groupBy.forEach((n) => walk(n, "GROUP BY"))
    walk(s.having, "HAVING")
    s.orderBy.forEach((t) => walk(t.node, "ORDER BY"))
    s.lock?.of.forEach((t) => {
      if (!here.has(sourceName(t))) throw new ValueError(`${t.alias ?? t.table.identifier} is locked (forUpdate of) but is not in FROM or JOIN`, "of")
    })
  }

  statement(root, [])
}
