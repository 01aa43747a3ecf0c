/**
 * UPDATE and DELETE statements.
 */
import type { Dialect } from "../../Dialect.js"
import { EncodeError } from "../../Errors.js"
import * as Ast from "../ast/nodes.js"
import { Context, type Step } from "./context.js"
import { expression } from "./expression.js"
import { returning } from "./insert.js"

export const update = (dialect: Dialect, node: Ast.Update): Step => {
  if (node.set.length === 0) {
    throw new EncodeError({ message: `${node.table.tableName}: an UPDATE needs at least one column to set`, table: node.table.tableName, column: undefined })
  }
  const ctx = new Context(dialect)
  const q = (id: string) => ctx.q(id)
  let sql = `UPDATE ${q(node.table.tableName)} SET ${node.set.map((a) => `${q(a.column)} = ${expression(ctx, a.value)}`).join(", ")}`
  if (node.where !== undefined) sql += ` WHERE ${expression(ctx, node.where)}`
  sql += returning(ctx, node.returning)
  return { sql, params: ctx.params, result: node.returning === undefined ? "count" : "rows" }
}

export const delete_ = (dialect: Dialect, node: Ast.Delete): Step => {
  const ctx = new Context(dialect)
  let sql = `DELETE FROM ${ctx.q(node.table.tableName)}`
  if (node.where !== undefined) sql += ` WHERE ${expression(ctx, node.where)}`
  sql += returning(ctx, node.returning)
  return { sql, params: ctx.params, result: node.returning === undefined ? "count" : "rows" }
}

