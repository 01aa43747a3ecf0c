/**
 * SQL functions, spelled per dialect by the compiler. (Aggregates and window functions
 * arrive with the query builder.)
 *
 * @since 0.1.0
 */
import * as Ast from "./internal/ast/nodes.js"
import type { Expr } from "./Expr.js"

/**
 * The current time in UTC, at the precision the column keeps: `CURRENT_TIMESTAMP` on
 * PostgreSQL (`AT TIME ZONE 'UTC'` for a column without time zone), `UTC_TIMESTAMP(6)` on
 * MariaDB, `strftime('%Y-%m-%d %H:%M:%f','now')` on SQLite; the current date for a date column.
 *
 * @example
 * import { Column, Fn } from "retort"
 * const createdAt = Column.dateTime({ serverDefault: Fn.now() })
 *
 * @since 0.1.0
 * @category functions
 */
export const now = (): Expr => Ast.call("now")
