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

export const raw = (sql: string): Raw => Object.freeze({ _tag: "Raw", sql })
export const call = (name: Call["name"], args: ReadonlyArray<Node> = []): Call =>
  Object.freeze({ _tag: "Call", name, args: Object.freeze([...args]) })
export const literal = (value: Literal["value"]): Literal => Object.freeze({ _tag: "Literal", value })
