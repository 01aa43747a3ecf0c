import type * as Column from "../../Column.js"
import type * as Table from "../../Table.js"
import type { TableDef } from "../tableDef.js"

/**
 * The dialect-neutral expression tree: immutable tagged nodes that builders produce
 * and the compilers in `src/internal/compiler/` and `src/internal/ddl.ts` render.
 * Builders never produce SQL text.
 */

/** SQL text written by the user, rendered as is. */
export interface Raw {
  readonly _tag: "Raw"
  readonly sql: string
}

/** A function the dialects spell differently (`now()` is `CURRENT_TIMESTAMP(6)` on MariaDB). */
export interface Call {
  readonly _tag: "Call"
  readonly name: "now"
  readonly args: ReadonlyArray<Node>
}

/** A constant value. In DDL it is rendered inline; in statements it becomes a bound parameter. */
export interface Literal {
  readonly _tag: "Literal"
  readonly value: string | number | boolean | bigint | null
}

export type Node = Raw | Call | Literal

/** A row or rows to insert into a model's table; validated and encoded when compiled. */
export interface Insert {
  readonly _tag: "Insert"
  readonly model: Table.Any
  readonly table: TableDef
  readonly rows: ReadonlyArray<unknown>
}

/** An ordering term. */
export interface OrderTerm {
  readonly column: Column.AnyRef
  readonly direction: "asc" | "desc"
}

/** A SELECT of a model's columns from its table. */
export interface Select {
  readonly _tag: "Select"
  readonly table: TableDef
  readonly alias: string | undefined
  readonly orderBy: ReadonlyArray<OrderTerm>
  readonly limit: number | undefined
  readonly offset: number | undefined
}

/** The statements the compiler handles; a new kind does not compile until it is handled. */
export type Statement = Insert | Select

export const raw = (sql: string): Raw => Object.freeze({ _tag: "Raw", sql })
export const call = (name: Call["name"], args: ReadonlyArray<Node> = []): Call =>
  Object.freeze({ _tag: "Call", name, args: Object.freeze([...args]) })
export const literal = (value: Literal["value"]): Literal => Object.freeze({ _tag: "Literal", value })
