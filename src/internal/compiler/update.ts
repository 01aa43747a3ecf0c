/**
 * UPDATE and DELETE statements, with other sources (UPDATE … FROM, DELETE … USING) and the
 * WITH clause of the CTEs they use.
 */
import type { Dialect } from "../../Dialect.js"
import { EncodeError } from "../../Errors.js"
import * as Ast from "../ast/nodes.js"
import { type Step } from "./context.js"
import { expression } from "./expression.js"
import { returning } from "./insert.js"
import { compileWrite, writeSource } from "./with.js"

export const update = (dialect: Dialect, node: Ast.Update): Step => {
  if (node.set.length === 0) {
    throw new EncodeError({ message: `${node.table.tableName}: an UPDATE needs at least one column to set`, table: node.table.tableName, column: undefined })
  }
  const sources = node.from ?? []
  const { sql, params } = compileWrite(dialect, node, (ctx) => {
    const q = (id: string) => ctx.q(id)
    const set = () => node.set.map((a) => [q(a.column), expression(ctx, a.value)] as const)
    const where = node.where === undefined ? undefined : () => expression(ctx, node.where!)
    if (sources.length === 0) {
      const assignments = set().map(([c, v]) => `${c} = ${v}`).join(", ")
      return `UPDATE ${q(node.table.tableName)} SET ${assignments}${where === undefined ? "" : ` WHERE ${where()}`}${returning(ctx, node.returning)}`
    }
    const sql = dialect.compiler.updateFrom({ table: q(node.table.tableName), set, sources: () => sources.map((s) => writeSource(ctx, s)), where })
    // Qualified: another source may have a column of the same name.
    return sql + returning(ctx, node.returning, true)
  })
  return { sql, params, result: node.returning === undefined ? "count" : "rows" }
}

export const delete_ = (dialect: Dialect, node: Ast.Delete): Step => {
  const sources = node.using ?? []
  const { sql, params } = compileWrite(dialect, node, (ctx) => {
    const where = node.where === undefined ? undefined : () => expression(ctx, node.where!)
    if (sources.length === 0) {
      return `DELETE FROM ${ctx.q(node.table.tableName)}${where === undefined ? "" : ` WHERE ${where()}`}${returning(ctx, node.returning)}`
    }
    const sql = dialect.compiler.deleteUsing({
      table: ctx.q(node.table.tableName),
      sources: () => sources.map((s) => writeSource(ctx, s)),
      where,
      returning: node.returning !== undefined && node.returning.length > 0
    })
    return sql + returning(ctx, node.returning, true)
  })
  return { sql, params, result: node.returning === undefined ? "count" : "rows" }
}
