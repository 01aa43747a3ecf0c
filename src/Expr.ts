/**
 * SQL expressions. (The full expression language arrives with the query builder; this
 * module starts with what column definitions need.)
 *
 * @since 0.1.0
 */
import * as Ast from "./internal/ast/nodes.js"

/**
 * An SQL expression, as an immutable node of retort's dialect-neutral tree.
 *
 * @example
 * import { Expr } from "retort"
 * const e: Expr.Expr = Expr.raw("1 + 1")
 *
 * @since 0.1.0
 * @category models
 */
export type Expr = Ast.Node

/**
 * SQL text used as is, for what retort cannot express (a server default, a CHECK).
 * It is never given user input: values belong in bound parameters.
 *
 * @example
 * import { Column, Expr } from "retort"
 * const score = Column.integer({ serverDefault: Expr.raw("0"), check: Expr.raw("score >= 0") })
 *
 * @since 0.1.0
 * @category constructors
 */
export const raw: (sql: string) => Expr = Ast.raw

/**
 * A constant. In DDL (a server default) it is written inline, quoted as the dialect requires.
 *
 * @example
 * import { Column, Expr } from "retort"
 * const status = Column.string({ length: 10, serverDefault: Expr.literal("new") })
 *
 * @since 0.1.0
 * @category constructors
 */
export const literal: (value: string | number | boolean | bigint | null) => Expr = Ast.literal
