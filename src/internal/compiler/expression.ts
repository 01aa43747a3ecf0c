/**
 * Expressions: every `Ast.Node` kind rendered with the dialect's hooks. Subqueries
 * inside expressions are rendered by `select.ts`.
 */
import * as Ast from "../ast/nodes.js"
import { typeOfValue } from "../expr.js"
import { checkCustom, checkText } from "../representable.js"
import { describe, toDriver, ValueError } from "../values.js"
import { Context, encodeParam, sqlTypeOfLiteral } from "./context.js"
import { selectStatement } from "./select.js"

export const expression = (ctx: Context, node: Ast.Node): string => {
  const q = (id: string) => ctx.q(id)
  const e = (n: Ast.Node) => expression(ctx, n)
  switch (node._tag) {
    case "Raw":
      return node.sql
    case "Literal":
      return ctx.value(node, () => {
        const type = typeOfValue(node.value)
        if (node.value === null) return ctx.bind(null)
        if (type === undefined) return ctx.bind(checkCustom(node.value, ctx.dialect.values, { boolean: (b) => b, bytes: (b) => b }))
        return ctx.dialect.compiler.typedLiteral(ctx.bind(toDriver(type, node.value, ctx.dialect.values, "compare")), sqlTypeOfLiteral(type, node.value))
      })
    case "Param":
      return ctx.value(node, () => {
        const bound = ctx.bind(encodeParam(ctx, node))
        return node.typed === true && node.type !== undefined && node.value !== null && node.value !== undefined
          ? ctx.dialect.compiler.typedLiteral(bound, sqlTypeOfLiteral(node.type, node.value))
          : bound
      })
    case "ColumnRef":
      return `${q(node.table.alias ?? node.table.tableName)}.${q(node.name)}`
    case "SourceColumn":
      return `${q(node.source)}.${q(node.name)}`
    case "Excluded":
      return ctx.dialect.compiler.excluded(q(node.column))
    case "Binary":
      return `(${e(node.left)} ${node.op} ${e(node.right)})`
    case "Not":
      return `(NOT ${e(node.operand)})`
    case "IsNull":
      return `(${e(node.operand)} IS ${node.negated ? "NOT " : ""}NULL)`
    case "In": {
      if (Array.isArray(node.list)) {
        // An empty IN list is valid SQL nowhere: it is false (NOT IN: true).
        if (node.list.length === 0) return node.negated ? "(1 = 1)" : "(1 = 0)"
        const items = node.list.map(e)
        const list = node.operand._tag === "Tuple" ? ctx.dialect.compiler.rowValues(items) : items.join(", ")
        return `(${e(node.operand)} ${node.negated ? "NOT " : ""}IN (${list}))`
      }
      return `(${e(node.operand)} ${node.negated ? "NOT " : ""}IN (${selectStatement(ctx, node.list as Ast.SelectStatement)}))`
    }
    case "Between":
      return `(${e(node.operand)} ${node.negated ? "NOT " : ""}BETWEEN ${e(node.low)} AND ${e(node.high)})`
    case "Like": {
      const operand = text(ctx, node.operand)
      const pattern = e(node.pattern)
      let sql = node.caseInsensitive ? ctx.dialect.compiler.ilike(operand, pattern) : ctx.dialect.compiler.like(operand, pattern)
      if (node.escape !== undefined) {
        const escape: unknown = node.escape
        if (typeof escape !== "string" || [...escape].length !== 1) {
          throw new ValueError(`a LIKE escape is one character, not ${describe(escape)}`, describe(escape))
        }
        checkText(escape, ctx.dialect.values, "the LIKE escape")
        sql += ` ESCAPE ${ctx.dialect.ddl.literal({ _tag: "Literal", value: escape })}`
      }
      return node.negated ? `(NOT (${sql}))` : `(${sql})`
    }
    case "Func":
      return func(ctx, node)
    case "Over":
      return over(ctx, node)
    case "Case": {
      const whens = node.whens.map(([c, r]) => `WHEN ${e(c)} THEN ${e(r)}`).join(" ")
      return `(CASE ${whens}${node.otherwise === undefined ? "" : ` ELSE ${e(node.otherwise)}`} END)`
    }
    case "Exists":
      return `(${node.negated ? "NOT " : ""}EXISTS (${selectStatement(ctx, node.query)}))`
    case "Scalar":
      return `(${selectStatement(ctx, node.query)})`
    // --- expressions (issue 14)
    case "Template":
      return node.strings.reduce((sql, part, i) => sql + part + (i < node.args.length ? e(node.args[i]!) : ""), "")
    case "Tuple":
      return `(${node.elements.map(e).join(", ")})`
    case "IsDistinct":
      return ctx.dialect.compiler.isDistinctFrom(e(node.left), e(node.right), node.negated)
    case "Cast": {
      const sql = ctx.dialect.compiler.cast(e(node.operand), node.type)
      if (typeof sql === "string") return sql
      throw new ValueError(`cannot CAST on ${ctx.dialect.name}: ${sql.refused}`, node.type._tag)
    }
    case "Regexp": {
      const c = ctx.dialect.compiler
      const operand = text(ctx, node.operand)
      const pattern = e(node.pattern)
      return node.replacement === undefined
        ? c.regexpMatch(operand, pattern, node.caseInsensitive)
        : c.regexpReplace(operand, pattern, e(node.replacement), node.caseInsensitive)
    }
    case "LikeText": {
      // The text is matched literally: its escape character, % and _ are escaped in SQL.
      const lit = (s: string) => ctx.dialect.ddl.literal({ _tag: "Literal", value: s })
      const escaped = [node.escape, "%", "_"].reduce(
        (sql, c) => `REPLACE(${sql}, ${lit(c)}, ${lit(node.escape + c)})`,
        text(ctx, node.text)
      )
      const any = lit("%")
      const parts = node.position === "start" ? [escaped, any] : node.position === "end" ? [any, escaped] : [any, escaped, any]
      return ctx.dialect.compiler.concat(parts)
    }
    case "Divide":
      return divide(ctx, node)
    // --- JSON (issue 14)
    case "JsonGet":
      return ctx.value(node, () =>
        ctx.dialect.compiler.jsonGet(() => e(node.operand), node.path, node.as, {
          text: (value) => ctx.bind(toDriver({ _tag: "text" }, value, ctx.dialect.values, "compare"))
        }))
  }
}

/**
 * One division everywhere: true division casts to a double (PostgreSQL and SQLite truncate
 * integers), decimals divide as decimals, and floor division of integers is exact integer
 * arithmetic (truncate, then step down when the signs differ and there is a remainder).
 */
const divide = (ctx: Context, node: Ast.Divide): string => {
  const c = ctx.dialect.compiler
  // Rendered anew at each use: where placeholders are not numbered, each use binds its own values.
  const left = () => expression(ctx, node.left)
  const right = () => (node.guardZero ? `NULLIF(${expression(ctx, node.right)}, 0)` : expression(ctx, node.right))
  if (node.mode === "true") return node.decimal ? `(${left()} / ${right()})` : `(${c.toFloat(left())} / ${right()})`
  if (!node.integral) return `FLOOR(${node.decimal ? left() : c.toFloat(left())} / ${right()})`
  const quotient = c.intDivide(left(), right())
  const remainder = c.intRemainder(left(), right())
  return `(${quotient} - (CASE WHEN ${remainder} <> 0 AND ((${left()} < 0) <> (${right()} < 0)) THEN 1 ELSE 0 END))`
}
/** An operand used as text: an enum column (a PostgreSQL enum type) is cast. */
export const text = (ctx: Context, node: Ast.Node): string => {
  const rendered = expression(ctx, node)
  return node._tag === "ColumnRef" && node.column.type._tag === "literal" ? ctx.dialect.compiler.enumAsText(rendered) : rendered
}

export const func = (ctx: Context, node: Ast.Func): string => {
  const textual = node.name === "lower" || node.name === "upper" || node.name === "concat" || node.name === "length"
  const args = node.args.map((a) => (textual ? text(ctx, a) : expression(ctx, a)))
  switch (node.name) {
    case "count":
      return node.star ? "COUNT(*)" : `COUNT(${node.distinct ? "DISTINCT " : ""}${args.join(", ")})`
    case "sum":
    case "avg":
    case "min":
    case "max":
    case "coalesce":
    case "lower":
    case "upper":
      return `${node.name.toUpperCase()}(${node.distinct ? "DISTINCT " : ""}${args.join(", ")})`
    case "concat":
      return ctx.dialect.compiler.concat(args)
    case "length":
      return ctx.dialect.compiler.charLength(args[0]!)
    case "now":
      return ctx.dialect.ddl.call(node, undefined)
    case "rowNumber":
      return "ROW_NUMBER()"
    case "rank":
      return "RANK()"
    case "denseRank":
      return "DENSE_RANK()"
    case "lag":
    case "lead":
    case "ntile":
    case "firstValue":
    case "lastValue":
      throw new ValueError(`${node.name}() is a window function: use it with .over(…)`, node.name)
  }
}

export const orderTerm = (ctx: Context, term: Ast.OrderTerm, alias?: (node: Ast.Node) => string | undefined): string => {
  const named = alias?.(term.node)
  const rendered = named !== undefined ? ctx.q(named) : expression(ctx, term.node)
  return ctx.dialect.compiler.orderTerm(rendered, term.direction === "asc" ? "ASC" : "DESC", term.nulls)
}


// --- JSON and windows (issue 14) -------------------------------------------------------------

/**
 * A count written into the SQL text: a frame offset, a LAG / LEAD offset, an NTILE bucket
 * count. MariaDB takes no parameter there, so it is inlined, and only ever as a number
 * checked here (the builders check it too), never as text from the user.
 */
const inlineCount = (value: unknown, min: number, what: string): string => {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw new ValueError(`${what} must be a whole number of at least ${min}, not ${describe(value)}`, describe(value))
  }
  return String(value)
}

const frameBound = (bound: Ast.FrameBound): string => {
  if (bound === "unboundedPreceding") return "UNBOUNDED PRECEDING"
  if (bound === "currentRow") return "CURRENT ROW"
  if (bound === "unboundedFollowing") return "UNBOUNDED FOLLOWING"
  return "preceding" in bound
    ? `${inlineCount(bound.preceding, 0, "a frame offset")} PRECEDING`
    : `${inlineCount(bound.following, 0, "a frame offset")} FOLLOWING`
}

const partition = (ctx: Context, node: Ast.Over): string =>
  node.partitionBy.length === 0 ? "" : `PARTITION BY ${node.partitionBy.map((n) => expression(ctx, n)).join(", ")}`

const windowSpec = (ctx: Context, node: Ast.Over): string => {
  const parts: Array<string> = []
  if (node.partitionBy.length > 0) parts.push(partition(ctx, node))
  if (node.orderBy.length > 0) parts.push(`ORDER BY ${node.orderBy.map((t) => orderTerm(ctx, t)).join(", ")}`)
  if (node.frame !== undefined) {
    parts.push(`${node.frame.unit === "rows" ? "ROWS" : "RANGE"} BETWEEN ${frameBound(node.frame.start)} AND ${frameBound(node.frame.end)}`)
  }
  return parts.join(" ")
}

/** `fn OVER (…)`; the window-only functions are spelled here, where their window is known. */
const over = (ctx: Context, node: Ast.Over): string => {
  const fn = node.fn
  const arg = (i: number) => () => expression(ctx, fn._tag === "Func" ? fn.args[i]! : fn)
  // Rendered in the order of the SQL text: with `?` placeholders, parameters bind in that order.
  const spec = () => `OVER (${windowSpec(ctx, node)})`
  if (fn._tag !== "Func") return `${expression(ctx, fn)} ${spec()}`
  switch (fn.name) {
    case "lag":
    case "lead": {
      const offset = fn.args[1]
      return ctx.dialect.compiler.lagLead({
        name: fn.name === "lag" ? "LAG" : "LEAD",
        value: arg(0),
        offset: Number(inlineCount(offset?._tag === "Literal" ? offset.value : offset, 0, `the ${fn.name}() offset`)),
        fallback: fn.args.length > 2 ? arg(2) : undefined,
        window: () => windowSpec(ctx, node),
        partition: () => partition(ctx, node)
      })
    }
    case "ntile": {
      const buckets = fn.args[0]
      return `NTILE(${inlineCount(buckets?._tag === "Literal" ? buckets.value : buckets, 1, "the ntile() bucket count")}) ${spec()}`
    }
    case "firstValue":
      return `FIRST_VALUE(${arg(0)()}) ${spec()}`
    case "lastValue":
      return `LAST_VALUE(${arg(0)()}) ${spec()}`
    default:
      return `${expression(ctx, fn)} ${spec()}`
  }
}
