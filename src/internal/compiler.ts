/**
 * The statement compiler: one algorithm over the AST (`src/internal/ast/nodes.ts`), with
 * the dialect's hooks for placeholders and quoting. Values become bound parameters,
 * encoded for the dialect; identifiers are always quoted. Called by `src/Query.ts`.
 */
import type { Dialect } from "../Dialect.js"
import type * as Ast from "./ast/nodes.js"
import { encodeValue, insertValues } from "./rows.js"

/** SQL text and its parameters, ready for the driver. */
export interface Compiled {
  readonly sql: string
  readonly params: ReadonlyArray<unknown>
}

const insert = (dialect: Dialect, node: Ast.Insert): ReadonlyArray<Compiled> => {
  const q = dialect.ddl.quote
  const { table } = node
  const rows = node.rows.map((row) => insertValues(node.model, table, row))
  // Consecutive rows that set the same columns share a statement (SQLite has no DEFAULT in VALUES).
  const out: Array<Compiled> = []
  let i = 0
  while (i < rows.length) {
    const columns = table.columns.filter((c) => rows[i]![c.key] !== undefined)
    const signature = columns.map((c) => c.key).join(",")
    const perStatement = Math.max(1, Math.floor(dialect.compiler.maxParameters / Math.max(1, columns.length)))
    const group: Array<Record<string, unknown>> = []
    while (
      i < rows.length && group.length < perStatement &&
      table.columns.filter((c) => rows[i]![c.key] !== undefined).map((c) => c.key).join(",") === signature
    ) {
      group.push(rows[i]!)
      i++
    }
    const params: Array<unknown> = []
    const tuples = group.map((row) =>
      `(${columns.map((c) => {
        params.push(encodeValue(dialect, table, c, row[c.key]))
        return dialect.compiler.placeholder(params.length)
      }).join(", ")})`
    )
    const sql = columns.length === 0
      ? dialect.compiler.insertDefaults(q(table.tableName))
      : `INSERT INTO ${q(table.tableName)} (${columns.map((c) => q(c.name)).join(", ")}) VALUES ${tuples.join(", ")}`
    if (columns.length === 0) group.slice(1).forEach(() => out.push({ sql, params: [] }))
    out.push({ sql, params })
  }
  const identity = table.autoIncrement
  const sync = dialect.compiler.syncIdentity
  if (identity !== undefined && sync !== undefined && rows.some((row) => row[identity.key] !== undefined)) {
    out.push(sync(table.tableName, identity.name))
  }
  return out
}

const select = (dialect: Dialect, node: Ast.Select): Compiled => {
  const q = dialect.ddl.quote
  const source = node.alias === undefined ? q(node.table.tableName) : `${q(node.table.tableName)} AS ${q(node.alias)}`
  const prefix = q(node.alias ?? node.table.tableName)
  let sql = `SELECT ${node.table.columns.map((c) => `${prefix}.${q(c.name)}`).join(", ")} FROM ${source}`
  if (node.orderBy.length > 0) {
    sql += ` ORDER BY ${
      node.orderBy.map((t) => `${q(t.column.table.alias ?? t.column.table.tableName)}.${q(t.column.name)} ${t.direction.toUpperCase()}`).join(", ")
    }`
  }
  const params: Array<unknown> = []
  const bind = (value: number | undefined) => {
    if (value === undefined) return undefined
    params.push(value)
    return dialect.compiler.placeholder(params.length)
  }
  const limit = bind(node.limit)
  sql += dialect.compiler.limitOffset(limit, bind(node.offset))
  return { sql, params }
}

/** Compiles a statement. Throws `EncodeError` for a value its column rejects. */
export const compile = (dialect: Dialect, node: Ast.Statement): ReadonlyArray<Compiled> => {
  switch (node._tag) {
    case "Insert":
      return insert(dialect, node)
    case "Select":
      return [select(dialect, node)]
  }
}
