/**
 * The dialect-neutral statement tree: immutable tagged nodes that the builders
 * (`src/Query.ts`, `src/Expr.ts`, `src/Fn.ts`) produce and the compilers
 * (`src/internal/compiler.ts` for statements, `src/internal/ddl.ts` for DDL) render.
 * Builders never produce SQL text. Each node kind is handled by an exhaustive switch,
 * so a new kind does not compile until every renderer handles it.
 */
import type * as Column from "../../Column.js"
import type { ColumnInfo, TableDef } from "../tableDef.js"

/** How a result column decodes: like a column of this type, or as the driver gives it. */
export type ValueType =
  | Column.ColumnType
  | { readonly _tag: "unknown" }
  /** A decimal of no fixed scale (an average of decimals). */
  | { readonly _tag: "decimal" }

// --- expressions ---------------------------------------------------------------------------

/** SQL text written by the user, rendered as is. */
export interface Raw {
  readonly _tag: "Raw"
  readonly sql: string
}

/** A constant. In DDL it is rendered inline; in statements it is a bound parameter. */
export interface Literal {
  readonly _tag: "Literal"
  readonly value: string | number | boolean | bigint | null
}

/** A value bound as a parameter, encoded for its column type when it has one. */
export interface Param {
  readonly _tag: "Param"
  readonly value: unknown
  readonly type: Column.ColumnType | undefined
  readonly nullable: boolean
  /**
   * The column this value is written to (an UPDATE's SET, an upsert's update): it is
   * validated with the column's Schema and must fit it exactly. Without it the value is
   * an operand, compared with a column of `type`.
   */
  readonly target?: { readonly table: TableDef; readonly column: ColumnInfo } | undefined
  /**
   * Bound with its type spelled out (`CAST(? AS …)` where the dialect casts literals): for a
   * value whose type nothing around it gives, such as every result of a CASE of plain values,
   * which PostgreSQL would otherwise read as text.
   */
  readonly typed?: boolean | undefined
}

/** A column of a table (a `Column.Ref` is this node). */
export type ColumnRef = Column.AnyRef

/** A column of a subquery or a CTE in FROM: `"alias"."name"`. */
export interface SourceColumn {
  readonly _tag: "SourceColumn"
  readonly source: string
  readonly name: string
}

export type BinaryOp = "=" | "<>" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/" | "AND" | "OR"

export interface Binary {
  readonly _tag: "Binary"
  readonly op: BinaryOp
  readonly left: Node
  readonly right: Node
}

export interface Not {
  readonly _tag: "Not"
  readonly operand: Node
}

export interface IsNull {
  readonly _tag: "IsNull"
  readonly operand: Node
  readonly negated: boolean
}

export interface In {
  readonly _tag: "In"
  readonly operand: Node
  readonly list: ReadonlyArray<Node> | SelectStatement
  readonly negated: boolean
}

export interface Between {
  readonly _tag: "Between"
  readonly operand: Node
  readonly low: Node
  readonly high: Node
  readonly negated: boolean
}

export interface Like {
  readonly _tag: "Like"
  readonly operand: Node
  readonly pattern: Node
  readonly caseInsensitive: boolean
  readonly negated: boolean
  /** The escape character of the pattern, if it uses one. */
  readonly escape: string | undefined
}

export type FunctionName =
  | "count"
  | "sum"
  | "avg"
  | "min"
  | "max"
  | "coalesce"
  | "lower"
  | "upper"
  | "concat"
  | "now"
  | "rowNumber"
  | "rank"
  | "denseRank"
  // --- windows (issue 14)
  | "lag"
  | "lead"
  | "ntile"
  | "firstValue"
  | "lastValue"
  // --- computed properties (issue 15)
  | "length"

export interface Func {
  readonly _tag: "Func"
  readonly name: FunctionName
  readonly args: ReadonlyArray<Node>
  readonly distinct: boolean
  /** `COUNT(*)`. */
  readonly star: boolean
}

export interface Over {
  readonly _tag: "Over"
  readonly fn: Node
  readonly partitionBy: ReadonlyArray<Node>
  readonly orderBy: ReadonlyArray<OrderTerm>
  /** `ROWS` / `RANGE BETWEEN … AND …`, checked when built (`start` never after `end`). */
  readonly frame?: Frame | undefined
}

// --- windows (issue 14)

/** One end of a window frame; offsets are non-negative safe integers, checked when built. */
export type FrameBound =
  | "unboundedPreceding"
  | "currentRow"
  | "unboundedFollowing"
  | { readonly preceding: number }
  | { readonly following: number }

/** A window frame. */
export interface Frame {
  readonly unit: "rows" | "range"
  readonly start: FrameBound
  readonly end: FrameBound
}

// --- JSON (issue 14)

/** What a JSON path gives: the JSON value itself, or a scalar of one JSON type (NULL for any other). */
export type JsonAs = "json" | "string" | "number" | "boolean"

/** A value inside a JSON document: keys and array indexes, bound as parameters when compiled. */
export interface JsonGet {
  readonly _tag: "JsonGet"
  readonly operand: Node
  readonly path: ReadonlyArray<string | number>
  readonly as: JsonAs
}

export interface Case {
  readonly _tag: "Case"
  readonly whens: ReadonlyArray<readonly [condition: Node, result: Node]>
  readonly otherwise: Node | undefined
}

export interface Exists {
  readonly _tag: "Exists"
  readonly query: SelectStatement
  readonly negated: boolean
}

/** A subquery used as a value (one row, one column). */
export interface Scalar {
  readonly _tag: "Scalar"
  readonly query: SelectStatement
}

/** In an upsert's update: the value the row would have had (`EXCLUDED.col`, `VALUES(col)`). */
export interface Excluded {
  readonly _tag: "Excluded"
  readonly column: string
}

export type Node =
  | Excluded
  | Raw
  | Literal
  | Param
  | ColumnRef
  | SourceColumn
  | Binary
  | Not
  | IsNull
  | In
  | Between
  | Like
  | Func
  | Over
  | Case
  | Exists
  | Scalar
  // --- expressions (issue 14)
  | Template
  | Tuple
  | IsDistinct
  | Cast
  | Regexp
  | LikeText
  | Divide
  // --- JSON (issue 14)
  | JsonGet

// --- expressions (issue 14) ------------------------------------------------------------------

/** `Expr.raw` as a tagged template: `strings[0] args[0] strings[1] …`, each arg rendered as an expression. */
export interface Template {
  readonly _tag: "Template"
  readonly strings: ReadonlyArray<string>
  readonly args: ReadonlyArray<Node>
}

/** A row value `(a, b, …)`: the left side of a tuple IN, or one row of its list. */
export interface Tuple {
  readonly _tag: "Tuple"
  readonly elements: ReadonlyArray<Node>
}

/** `left IS [NOT] DISTINCT FROM right`: a comparison in which NULL equals NULL. */
export interface IsDistinct {
  readonly _tag: "IsDistinct"
  readonly left: Node
  readonly right: Node
  /** `IS NOT DISTINCT FROM` (equal, NULLs included). */
  readonly negated: boolean
}

/** `CAST(operand AS <type>)`, the target spelled by the dialect. */
export interface Cast {
  readonly _tag: "Cast"
  readonly operand: Node
  readonly type: Column.ColumnType
}

/** A regular expression match (no `replacement`) or a replace-all. */
export interface Regexp {
  readonly _tag: "Regexp"
  readonly operand: Node
  readonly pattern: Node
  readonly replacement: Node | undefined
  readonly caseInsensitive: boolean
}

/**
 * A LIKE pattern made from a text expression matched literally: its `%`, `_` and `escape`
 * escaped in SQL, with `%` before (`end`, `any`) and after (`start`, `any`).
 */
export interface LikeText {
  readonly _tag: "LikeText"
  readonly text: Node
  readonly position: "start" | "end" | "any"
  readonly escape: string
}

/** `/` with one meaning everywhere: true division (`true`) or floor division (`floor`). */
export interface Divide {
  readonly _tag: "Divide"
  readonly left: Node
  readonly right: Node
  readonly mode: "true" | "floor"
  /** Both sides are integers: floor division is exact integer arithmetic. */
  readonly integral: boolean
  /** Either side is a decimal: true division stays exact decimal division. */
  readonly decimal: boolean
  /** The divisor is an expression: a zero divisor gives NULL (NULLIF), as on every database. */
  readonly guardZero: boolean
}

// --- statements: in statements.ts --------------------------------------------------------

export type * from "./statements.js"
import type { Join, OrderTerm, Select, SelectStatement, Selection, Source } from "./statements.js"

// --- constructors ----------------------------------------------------------------------------

export const raw = (sql: string): Raw => Object.freeze({ _tag: "Raw", sql })
export const literal = (value: Literal["value"]): Literal => Object.freeze({ _tag: "Literal", value })
export const param = (value: unknown, type: Column.ColumnType | undefined, nullable = true, typed = false): Param =>
  Object.freeze(typed ? { _tag: "Param", value, type, nullable, typed } : { _tag: "Param", value, type, nullable })
/** A value written to `column` of `table`. */
export const assigned = (value: unknown, table: TableDef, column: ColumnInfo): Param =>
  Object.freeze({ _tag: "Param", value, type: column.def.type, nullable: column.def.nullable, target: Object.freeze({ table, column }) })
/** A SELECT with only these parts set; the rest empty (no GROUP BY, ORDER BY, LIMIT, CTEs). */
export const select = (
  selection: ReadonlyArray<Selection>,
  from: Source | undefined,
  joins: ReadonlyArray<Join> = [],
  where: Node | undefined = undefined
): Select => ({
  _tag: "Select",
  selection,
  from,
  joins,
  where,
  groupBy: [],
  having: undefined,
  orderBy: [],
  limit: undefined,
  offset: undefined,
  distinct: false,
  ctes: []
})
export const func = (name: FunctionName, args: ReadonlyArray<Node> = [], options?: { distinct?: boolean; star?: boolean }): Func =>
  Object.freeze({ _tag: "Func", name, args: Object.freeze([...args]), distinct: options?.distinct === true, star: options?.star === true })

/** The expressions directly inside a node (not inside its subqueries). */
export const children = (node: Node): ReadonlyArray<Node> => {
  switch (node._tag) {
    case "Binary":
      return [node.left, node.right]
    case "Not":
    case "IsNull":
      return [node.operand]
    case "In":
      return Array.isArray(node.list) ? [node.operand, ...node.list] : [node.operand]
    case "Between":
      return [node.operand, node.low, node.high]
    case "Like":
      return [node.operand, node.pattern]
    case "Func":
      return node.args
    case "Over":
      return [node.fn, ...node.partitionBy, ...node.orderBy.map((t) => t.node)]
    case "Case":
      return [...node.whens.flat(), ...(node.otherwise === undefined ? [] : [node.otherwise])]
    case "Raw":
    case "Literal":
    case "Param":
    case "ColumnRef":
    case "SourceColumn":
    case "Excluded":
    case "Exists":
    case "Scalar":
      return []
    // --- expressions (issue 14)
    case "Template":
      return node.args
    case "Tuple":
      return node.elements
    case "IsDistinct":
      return [node.left, node.right]
    case "Cast":
      return [node.operand]
    case "Regexp":
      return node.replacement === undefined ? [node.operand, node.pattern] : [node.operand, node.pattern, node.replacement]
    case "LikeText":
      return [node.text]
    case "Divide":
      return [node.left, node.right]
    // --- JSON (issue 14)
    case "JsonGet":
      return [node.operand]
  }
}
