/**
 * What every part of the compiler shares: the compiled forms, the parameter context (one
 * numbering across a statement), value binding and counts. Used by the modules beside it.
 */
import type { ColumnType } from "../../Column.js"
import type { Dialect } from "../../Dialect.js"
import * as Ast from "../ast/nodes.js"
import { checkCustom } from "../representable.js"
import { encodeAssigned } from "../rows.js"
import { describe, isSqlNull, toDriver, ValueError } from "../values.js"

/** SQL text and its parameters, ready for the driver. */
export interface Compiled {
  readonly sql: string
  readonly params: ReadonlyArray<unknown>
}

/** A statement to run and what to do with its result. */
export interface Step extends Compiled {
  /** `rows`: decode the rows; `count`: add to the affected-row count; `ignore`: run only. */
  readonly result: "rows" | "count" | "ignore"
  /**
   * For an INSERT into a table with an identity: whether it sets the id itself. The
   * executor keeps PostgreSQL's sequence in step (see `Query.execute`).
   */
  readonly identity?: { readonly table: string; readonly column: string; readonly explicit: boolean }
}

/** Parameters are numbered across the whole statement, subqueries and CTEs included. */
export class Context {
  readonly params: Array<unknown> = []
  /** Where placeholders are numbered ($1), one value node is one parameter wherever it appears. */
  private readonly rendered = new Map<Ast.Node, string>()
  /**
   * Set while a write is compiled on a dialect that takes no WITH before it (MariaDB, see
   * `writeCtes`): each outermost subquery then carries the WITH of the CTEs it uses.
   */
  ctesInSubqueries = false
  constructor(readonly dialect: Dialect) {}
  q(identifier: string) {
    return this.dialect.ddl.quote(identifier)
  }
  bind(value: unknown): string {
    this.params.push(value)
    return this.dialect.compiler.placeholder(this.params.length)
  }
  /**
   * Renders a value node once: PostgreSQL then sees the same `$n` in a select list and its
   * GROUP BY (`GROUP BY (age >= $1)`), which it requires to match them.
   */
  value(node: Ast.Node, render: () => string): string {
    if (!this.dialect.compiler.numberedPlaceholders) return render()
    let sql = this.rendered.get(node)
    if (sql === undefined) this.rendered.set(node, sql = render())
    return sql
  }
}

export const encodeParam = (ctx: Context, node: Ast.Param): unknown => {
  if (node.target !== undefined) return encodeAssigned(ctx.dialect, node.target.table, node.target.column, node.value)
  if (node.value === null || node.value === undefined) return null
  try {
    // A value of no known type is bound as the driver takes it, if it takes it.
    if (node.type === undefined) return checkCustom(node.value, ctx.dialect.values, { boolean: (b) => b, bytes: (b) => b })
    if (isSqlNull(node.type, node.nullable, node.value)) return null
    return toDriver(node.type, node.value, ctx.dialect.values, "compare")
  } catch (e) {
    if (!(e instanceof ValueError)) throw e
    throw new ValueError(`cannot bind ${describe(node.value)}: ${e.message}`, describe(node.value))
  }
}

/** LIMIT and OFFSET take a count: anything else fails here rather than mean "no limit" (SQLite) or fail in the driver. */
export const count = (ctx: Context, what: string, n: unknown): string => {
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw new ValueError(`${what} must be a whole number of at least 0, not ${describe(n)}`, describe(n))
  }
  return ctx.bind(n)
}


/**
 * The SQL type a literal is bound as: its value's type, widened to a 64-bit integer when an
 * integer does not fit in 32 bits (a database's INTEGER). The expression keeps its own type
 * for decoding: a JavaScript number.
 */
export const sqlTypeOfLiteral = (type: ColumnType, value: unknown): ColumnType =>
  type._tag === "integer" && typeof value === "number" && (value > 2_147_483_647 || value < -2_147_483_648)
    ? { _tag: "bigint" }
    : type

