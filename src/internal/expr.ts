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

// --- expressions (issue 14)

export interface RegexpOptions {
  readonly flags?: string
}

export interface TextMatchOptions {
  readonly caseInsensitive?: boolean
}

/** The only flag every database's regular expressions share is `i`. */
const regexpFlags = (options: RegexpOptions | undefined): boolean => {
  const flags: unknown = options?.flags
  if (flags === undefined || flags === "") return false
  if (flags === "i") return true
  throw new TypeError(`regular expression flags are "" or "i" (case-insensitive), not ${JSON.stringify(flags)}`)
}

const textOperand = (value: unknown, what: string): Ast.Node => {
  if (isExpr(value)) return value.node
  if (typeof value !== "string") throw new TypeError(`${what} is a string or a text expression, not ${value === null ? "null" : typeof value}`)
  return Ast.param(value, { _tag: "text" }, false)
}

/** The escape character of the patterns startsWith / endsWith / contains build (not a backslash: MariaDB string syntax). */
const likeEscape = "!"

const textMatch = (self: ExprLike, text: unknown, position: Ast.LikeText["position"], options: TextMatchOptions | undefined) => {
  let pattern: Ast.Node
  if (isExpr(text)) {
    pattern = { _tag: "LikeText", text: text.node, position, escape: likeEscape }
  } else if (typeof text === "string") {
    const literal = text.replace(/[!%_]/g, (c) => `${likeEscape}${c}`)
    pattern = Ast.param(position === "start" ? `${literal}%` : position === "end" ? `%${literal}` : `%${literal}%`, { _tag: "text" }, false)
  } else {
    throw new TypeError(`startsWith / endsWith / contains take a string or a text expression, not ${text === null ? "null" : typeof text}`)
  }
  return predicate({ _tag: "Like", operand: self.node, pattern, caseInsensitive: options?.caseInsensitive === true, negated: false, escape: likeEscape })
}

const integralType = (type: Ast.ValueType) => type._tag === "integer" || type._tag === "bigint"
const decimalType = (type: Ast.ValueType) => type._tag === "numeric" || type._tag === "decimal"

const isZero = (value: unknown) =>
  value === 0 || value === 0n || (BigDecimal.isBigDecimal(value) && BigDecimal.isZero(value))

/**
 * `/` and floor division with one meaning on every database. A divisor that is a value is
 * known not to be zero (zero is refused here); an expression may be, and then gives NULL.
 */
const divide = (self: ExprLike, that: unknown, mode: "true" | "floor") => {
  const divisorIsExpr = isExpr(that)
  if (!divisorIsExpr && isZero(that)) throw new TypeError("division by a constant zero")
  const integral = integralType(self.valueType) &&
    (divisorIsExpr ? integralType(that.valueType) : typeof that === "bigint" || Number.isInteger(that))
  const decimal = decimalType(self.valueType)
  const node: Ast.Divide = { _tag: "Divide", left: self.node, right: operand(that, self), mode, integral, decimal, guardZero: divisorIsExpr }
  const type: Ast.ValueType = decimal || (mode === "floor" && integral) ? self.valueType : { _tag: "float" }
  return make(node, type, self.nullable || divisorIsExpr)
}

/** The rows of a tuple IN, each value encoded as its element, or a query of as many columns. */
export const tupleList = (elements: ReadonlyArray<ExprLike>, rows: unknown): ReadonlyArray<Ast.Node> | Ast.SelectStatement => {
  if (Array.isArray(rows)) {
    return rows.map((row: unknown): Ast.Node => {
      if (!Array.isArray(row) || row.length !== elements.length) {
        throw new TypeError(`each row of a tuple IN has ${elements.length} values, one per element`)
      }
      return { _tag: "Tuple", elements: row.map((v, i) => operand(v, elements[i])) }
    })
  }
  const query = (rows as { readonly node?: { readonly _tag?: unknown } } | null)?.node
  if (query === undefined || (query._tag !== "Select" && query._tag !== "Compound")) {
    throw new TypeError("a tuple's in() takes an array of rows or a query")
  }
  const statement = query as Ast.SelectStatement
  const width = (statement._tag === "Select" ? statement : statement.first).selection.length
  if (width !== elements.length) throw new TypeError(`a tuple of ${elements.length} is compared with a query of ${width} columns`)
  return statement
}

/** A value interpolated in an `Expr.raw` template: an expression's SQL, a query as a scalar subquery, else a typed parameter. */
export const templateArg = (value: unknown): Ast.Node => {
  if (isExpr(value)) return value.node
  const query = (value as { readonly node?: { readonly _tag?: unknown } } | null)?.node
  if (query !== undefined && (query._tag === "Select" || query._tag === "Compound")) return { _tag: "Scalar", query: query as Ast.SelectStatement }
  return Ast.param(value, typeOfValue(value), true, true)
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
    return divide(this, that, "true")
  },
  floorDiv(this: ExprLike, that: unknown) {
    return divide(this, that, "floor")
  },
  // --- expressions (issue 14)
  isDistinctFrom(this: ExprLike, that: unknown) {
    return predicate({ _tag: "IsDistinct", left: this.node, right: operand(that, this), negated: false })
  },
  isNotDistinctFrom(this: ExprLike, that: unknown) {
    return predicate({ _tag: "IsDistinct", left: this.node, right: operand(that, this), negated: true })
  },
  regexpMatch(this: ExprLike, pattern: unknown, options?: RegexpOptions) {
    const caseInsensitive = regexpFlags(options)
    return predicate({ _tag: "Regexp", operand: this.node, pattern: textOperand(pattern, "a regexpMatch pattern"), replacement: undefined, caseInsensitive })
  },
  regexpReplace(this: ExprLike, pattern: unknown, replacement: unknown, options?: RegexpOptions) {
    const caseInsensitive = regexpFlags(options)
    const node: Ast.Regexp = {
      _tag: "Regexp",
      operand: this.node,
      pattern: textOperand(pattern, "a regexpReplace pattern"),
      replacement: textOperand(replacement, "a regexpReplace replacement"),
      caseInsensitive
    }
    return make(node, { _tag: "text" }, this.nullable || isExpr(pattern) && pattern.nullable || isExpr(replacement) && replacement.nullable)
  },
  startsWith(this: ExprLike, text: unknown, options?: TextMatchOptions) {
    return textMatch(this, text, "start", options)
  },
  endsWith(this: ExprLike, text: unknown, options?: TextMatchOptions) {
    return textMatch(this, text, "end", options)
  },
  contains(this: ExprLike, text: unknown, options?: TextMatchOptions) {
    return textMatch(this, text, "any", options)
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
