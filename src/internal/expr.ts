/**
 * The expression objects behind `Expr`, `Fn` and `Model.c.*`: an immutable AST node plus
 * how its value decodes, with the comparison, arithmetic and ordering methods on a shared
 * prototype. Column references are built on the same prototype (`src/Table.ts`), so
 * `User.c.age.gt(20)` is a method call on a node, never SQL text.
 */
import { BigDecimal, DateTime, Pipeable } from "effect"
import type { ColumnType } from "../Column.js"
import * as Ast from "./ast/nodes.js"
import { jsonMethods } from "./json.js"

export const ExprTypeId: unique symbol = Symbol.for("retort/Expr")

/** The runtime shape of every expression (column references included). */
export interface ExprLike {
  readonly [ExprTypeId]: true
  /** The AST node; a column reference is its own node. */
  readonly node: Ast.Node
  readonly valueType: Ast.ValueType
  readonly nullable: boolean
  /** The output name, when given with `.as(name)` or known (a column's name). */
  readonly alias: string | undefined
}

export const isExpr = (u: unknown): u is ExprLike => typeof u === "object" && u !== null && ExprTypeId in u

/** The type a JavaScript value binds as, when no column says otherwise. */
export const typeOfValue = (value: unknown): ColumnType | undefined => {
  switch (typeof value) {
    case "string":
      return { _tag: "text" }
    case "number":
      return Number.isInteger(value) ? { _tag: "integer" } : { _tag: "float" }
    case "bigint":
      return { _tag: "bigint" }
    case "boolean":
      return { _tag: "boolean" }
  }
  if (BigDecimal.isBigDecimal(value)) return { _tag: "numeric", precision: 38, scale: Math.max(0, value.scale) }
  if (DateTime.isDateTime(value)) return { _tag: "dateTime", timezone: true, precision: 6 }
  if (value instanceof Uint8Array) return { _tag: "binary" }
  return undefined
}

const columnTypeOf = (type: Ast.ValueType): ColumnType | undefined =>
  type._tag === "unknown" || type._tag === "decimal" ? undefined : type

/** An operand: an expression's node, or a value bound as a parameter typed like `like`. */
export const operand = (value: unknown, like: ExprLike | undefined): Ast.Node => {
  if (isExpr(value)) return value.node
  const type = like === undefined ? undefined : columnTypeOf(like.valueType)
  // A column's type encodes the value (a BigDecimal as text at the column's scale, a date as
  // the dialect writes it); otherwise the value's own JavaScript type does.
  return Ast.param(value, type !== undefined && type._tag !== "literal" ? type : typeOfValue(value) ?? type, true)
}

const order = (self: ExprLike, direction: "asc" | "desc", options?: { readonly nulls?: "first" | "last" }): Ast.OrderTerm => ({
  node: self.node,
  direction,
  nulls: options?.nulls
})

const bool: Ast.ValueType = { _tag: "boolean" }

export const make = (node: Ast.Node, valueType: Ast.ValueType, nullable: boolean, alias?: string): ExprLike => {
  const self = Object.create(ExprProto)
  self.node = node
  self.valueType = valueType
  self.nullable = nullable
  self.alias = alias
  return self
}

const predicate = (node: Ast.Node) => make(node, bool, false)
const binary = (self: ExprLike, op: Ast.BinaryOp, that: unknown) =>
  predicate({ _tag: "Binary", op, left: self.node, right: operand(that, self) })
const arithmetic = (self: ExprLike, op: Ast.BinaryOp, that: unknown) =>
  make({ _tag: "Binary", op, left: self.node, right: operand(that, self) }, self.valueType, self.nullable || (isExpr(that) && that.nullable))

const list = (self: ExprLike, values: unknown): ReadonlyArray<Ast.Node> | Ast.SelectStatement => {
  if (Array.isArray(values)) return values.map((v) => operand(v, self))
  const query = (values as { readonly node?: { readonly _tag: string } }).node
  if (query !== undefined && (query._tag === "Select" || query._tag === "Compound")) return query as Ast.SelectStatement
  throw new TypeError("in() takes an array of values or a one-column query")
}

/** The methods every expression has. `this` is the expression. */
export const ExprProto = {
  [ExprTypeId]: true,
  eq(this: ExprLike, that: unknown) {
    return binary(this, "=", that)
  },
  ne(this: ExprLike, that: unknown) {
    return binary(this, "<>", that)
  },
  gt(this: ExprLike, that: unknown) {
    return binary(this, ">", that)
  },
  gte(this: ExprLike, that: unknown) {
    return binary(this, ">=", that)
  },
  lt(this: ExprLike, that: unknown) {
    return binary(this, "<", that)
  },
  lte(this: ExprLike, that: unknown) {
    return binary(this, "<=", that)
  },
  in(this: ExprLike, values: unknown) {
    return predicate({ _tag: "In", operand: this.node, list: list(this, values), negated: false })
  },
  notIn(this: ExprLike, values: unknown) {
    return predicate({ _tag: "In", operand: this.node, list: list(this, values), negated: true })
  },
  like(this: ExprLike, pattern: unknown, options?: { readonly escape?: string }) {
    return predicate({
      _tag: "Like",
      operand: this.node,
      pattern: operand(pattern, undefined),
      caseInsensitive: false,
      negated: false,
      escape: options?.escape
    })
  },
  ilike(this: ExprLike, pattern: unknown, options?: { readonly escape?: string }) {
    return predicate({
      _tag: "Like",
      operand: this.node,
      pattern: operand(pattern, undefined),
      caseInsensitive: true,
      negated: false,
      escape: options?.escape
    })
  },
  isNull(this: ExprLike) {
    return predicate({ _tag: "IsNull", operand: this.node, negated: false })
  },
  isNotNull(this: ExprLike) {
    return predicate({ _tag: "IsNull", operand: this.node, negated: true })
  },
  between(this: ExprLike, low: unknown, high: unknown) {
    return predicate({ _tag: "Between", operand: this.node, low: operand(low, this), high: operand(high, this), negated: false })
  },
  plus(this: ExprLike, that: unknown) {
    return arithmetic(this, "+", that)
  },
  minus(this: ExprLike, that: unknown) {
    return arithmetic(this, "-", that)
  },
  times(this: ExprLike, that: unknown) {
    return arithmetic(this, "*", that)
  },
  div(this: ExprLike, that: unknown) {
    // Integer division truncates on PostgreSQL and SQLite but not on MariaDB: read a number either way.
    const quotient = arithmetic(this, "/", that)
    const integral = this.valueType._tag === "integer" || this.valueType._tag === "bigint"
    return integral ? make(quotient.node, { _tag: "float" }, quotient.nullable) : quotient
  },
  asc(this: ExprLike, options?: { readonly nulls?: "first" | "last" }) {
    return order(this, "asc", options)
  },
  desc(this: ExprLike, options?: { readonly nulls?: "first" | "last" }) {
    return order(this, "desc", options)
  },
  as(this: ExprLike, alias: string) {
    const copy = Object.create(Object.getPrototypeOf(this))
    Object.assign(copy, this)
    copy.alias = alias
    return copy
  },
  // --- windows (issue 14)
  /** Aggregates and window functions over a window, with a frame if given. */
  over(this: ExprLike, window: WindowSpec = {}) {
    return make(
      {
        _tag: "Over",
        fn: this.node,
        partitionBy: (window.partitionBy ?? []).map((e) => e.node),
        orderBy: (window.orderBy ?? []).map(toOrderTerm),
        ...frameOf(this.node, window)
      },
      this.valueType,
      this.nullable
    )
  },
  // --- JSON (issue 14)
  ...jsonMethods(make),
  pipe() {
    return Pipeable.pipeArguments(this, arguments)
  }
}

/** An ordering term from an expression (ascending) or a term made with `.asc()` / `.desc()`. */
export const toOrderTerm = (term: ExprLike | Ast.OrderTerm): Ast.OrderTerm =>
  isExpr(term) ? { node: term.node, direction: "asc", nulls: undefined } : term

// --- windows (issue 14) ----------------------------------------------------------------------

/** What `.over(…)` takes (typed publicly as `Expr.Window`). */
interface WindowSpec {
  readonly partitionBy?: ReadonlyArray<ExprLike>
  readonly orderBy?: ReadonlyArray<ExprLike | Ast.OrderTerm>
  readonly rows?: { readonly start: Ast.FrameBound; readonly end?: Ast.FrameBound }
  readonly range?: { readonly start: Ast.FrameBound; readonly end?: Ast.FrameBound }
}

/** Functions that look at rows by position, not at a frame: the databases refuse or ignore one. */
const frameless = new Set<Ast.FunctionName>(["rowNumber", "rank", "denseRank", "lag", "lead", "ntile"])

/** Where a bound sits: its kind first (a frame cannot start FOLLOWING and end at the CURRENT ROW), then its offset. */
const position = (bound: Ast.FrameBound, role: "start" | "end"): readonly [kind: number, offset: number] => {
  switch (bound) {
    case "unboundedPreceding":
      return [0, 0]
    case "currentRow":
      return [2, 0]
    case "unboundedFollowing":
      return [4, 0]
  }
  const offset = (n: unknown) => {
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
      throw new TypeError(`a frame offset is a whole number of at least 0, not ${String(n)}`)
    }
    return n
  }
  if (typeof bound === "object" && bound !== null) {
    if ("preceding" in bound && !("following" in bound)) return [1, -offset(bound.preceding)]
    if ("following" in bound && !("preceding" in bound)) return [3, offset(bound.following)]
  }
  throw new TypeError(
    `a frame ${role} is "unboundedPreceding", "currentRow", "unboundedFollowing", { preceding: n } or { following: n }, not ${JSON.stringify(bound)}`
  )
}

/** The frame of a window, checked: a bad one fails here, when the query is built. */
const frameOf = (fn: Ast.Node, window: WindowSpec): { readonly frame?: Ast.Frame } => {
  if (window.rows !== undefined && window.range !== undefined) throw new TypeError("a window has rows or range, not both")
  const unit = window.rows !== undefined ? "rows" : window.range !== undefined ? "range" : undefined
  if (unit === undefined) return {}
  if (fn._tag === "Func" && frameless.has(fn.name)) throw new TypeError(`${fn.name}() takes no frame (rows / range)`)
  const given = (window.rows ?? window.range)!
  const start = given.start
  const end = given.end ?? "currentRow"
  const [startKind, startOffset] = position(start, "start")
  const [endKind, endOffset] = position(end, "end")
  if (startKind === 4) throw new TypeError("a frame cannot start at unboundedFollowing")
  if (endKind === 0) throw new TypeError("a frame cannot end at unboundedPreceding")
  if (startKind > endKind || (startKind === endKind && startOffset > endOffset)) {
    throw new TypeError(`a frame cannot start after its end (${JSON.stringify(start)} after ${JSON.stringify(end)})`)
  }
  // RANGE with an offset measures it on the one ORDER BY value.
  const offsets = startKind === 1 || startKind === 3 || endKind === 1 || endKind === 3
  if (unit === "range" && offsets && (window.orderBy ?? []).length !== 1) {
    throw new TypeError("a range frame with an offset needs exactly one orderBy term")
  }
  return { frame: { unit, start, end } }
}
