/**
 * The JavaScript side of a computed property: an expression tree compiled once, when the
 * model is defined, into a function of an instance's loaded values that gives what the
 * databases give for the same row (SQL NULL rules, true and floor division as
 * `src/internal/compiler/expression.ts` renders them). Called by `define.ts` only.
 *
 * A construct is covered only where every database agrees on its value: text is never
 * compared (collations differ), decimals are never divided (each database picks its own
 * scale). Anything else is refused with the reason, which becomes the `DefinitionError`.
 */
import { BigDecimal } from "effect"
import type * as Ast from "../ast/nodes.js"
import type { TableDef } from "../tableDef.js"

/** What a value is, as far as the evaluator's rules go. `other`: readable, but no operation applies. */
type Kind = "number" | "bigint" | "decimal" | "text" | "boolean" | "null" | "other"

type Row = Readonly<Record<string, unknown>>
type Run = (row: Row) => unknown

interface Compiled {
  readonly run: Run
  readonly kind: Kind
}

/** A construct the evaluator does not cover; its message says which. */
export class NotEvaluable extends Error {}

const refuse = (what: string): never => {
  throw new NotEvaluable(what)
}

const kindOfType = (type: { readonly _tag: string } | undefined): Kind => {
  switch (type?._tag) {
    case "integer":
    case "float":
      return "number"
    case "bigint":
      return "bigint"
    case "numeric":
      return "decimal"
    case "string":
    case "text":
    case "literal":
      return "text"
    case "boolean":
      return "boolean"
    default:
      return "other"
  }
}

const kindOfValue = (value: unknown): Kind => {
  if (value === null || value === undefined) return "null"
  switch (typeof value) {
    case "number":
      return "number"
    case "bigint":
      return "bigint"
    case "string":
      return "text"
    case "boolean":
      return "boolean"
  }
  return BigDecimal.isBigDecimal(value) ? "decimal" : "other"
}

const numeric = new Set<Kind>(["number", "bigint", "decimal", "null"])
const comparable = new Set<Kind>(["number", "bigint", "decimal", "boolean", "null"])

/** The kind both sides share, `null` taking the other's; mixes of numbers widen. */
const common = (a: Kind, b: Kind): Kind =>
  a === "null" ? b : b === "null" ? a : a === b ? a : a === "decimal" || b === "decimal" ? "decimal" : "bigint"

const toDecimal = (v: unknown): BigDecimal.BigDecimal =>
  BigDecimal.isBigDecimal(v) ? v : typeof v === "bigint" ? BigDecimal.fromBigInt(v) : BigDecimal.unsafeFromNumber(v as number)

/** The order of two non-null comparable values: -1, 0 or 1. */
const compare = (a: unknown, b: unknown): number => {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === "boolean" || typeof b === "boolean") return Number(a) - Number(b)
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === "number" && !Number.isFinite(a)) return a > 0 ? 1 : -1
  if (typeof b === "number" && !Number.isFinite(b)) return b > 0 ? -1 : 1
  return BigDecimal.Order(toDecimal(a), toDecimal(b))
}

const isNull = (v: unknown) => v === null || v === undefined

/** SQL's three-valued NOT, AND and OR over `true`, `false` and `null`. */
const not3 = (v: unknown) => (isNull(v) ? null : !v)
const and3 = (a: unknown, b: unknown) => (a === false || b === false ? false : isNull(a) || isNull(b) ? null : true)
const or3 = (a: unknown, b: unknown) => (a === true || b === true ? true : isNull(a) || isNull(b) ? null : false)

const comparisons: Partial<Record<Ast.BinaryOp, (order: number) => boolean>> = {
  "=": (o) => o === 0,
  "<>": (o) => o !== 0,
  "<": (o) => o < 0,
  "<=": (o) => o <= 0,
  ">": (o) => o > 0,
  ">=": (o) => o >= 0
}

const decimalOps = { "+": BigDecimal.sum, "-": BigDecimal.subtract, "*": BigDecimal.multiply } as const

/** `+ - *`: exact for integers, bigints and decimals, IEEE for floats, as the databases compute them. */
const arithmetic = (op: "+" | "-" | "*", kind: Kind) => (a: unknown, b: unknown): unknown => {
  if (isNull(a) || isNull(b)) return null
  if (kind === "decimal") return decimalOps[op](toDecimal(a), toDecimal(b))
  if (kind === "bigint") {
    const [x, y] = [BigInt(a as bigint | number), BigInt(b as bigint | number)]
    return op === "+" ? x + y : op === "-" ? x - y : x * y
  }
  const [x, y] = [a as number, b as number]
  return op === "+" ? x + y : op === "-" ? x - y : x * y
}

/** Floor division of integers, exact: truncate, then step down when the signs differ and there is a remainder. */
const floorInt = (a: bigint, b: bigint): bigint => {
  const q = a / b
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q
}

const textOnly = (what: string, kinds: ReadonlyArray<Kind>) => {
  if (kinds.some((k) => k !== "text" && k !== "null")) refuse(`${what} of a value that is not text`)
}

/** One code point's simple case mapping (one code point to one), as the databases' LOWER / UPPER. */
const mapCase = (s: string, to: (c: string) => string): string => {
  let out = ""
  for (const c of s) {
    const mapped = to(c)
    out += [...mapped].length === 1 ? mapped : c
  }
  return out
}

const func = (node: Ast.Func, def: TableDef): Compiled => {
  const args = node.args.map((a) => compile(a, def))
  const runs = args.map((a) => a.run)
  const kinds = args.map((a) => a.kind)
  const strict = (f: (values: ReadonlyArray<unknown>) => unknown): Run => (row) => {
    const values = runs.map((r) => r(row))
    return values.some(isNull) ? null : f(values)
  }
  switch (node.name) {
    case "coalesce":
      return {
        kind: kinds.find((k) => k !== "null") ?? "null",
        run: (row) => {
          for (const r of runs) {
            const v = r(row)
            if (!isNull(v)) return v
          }
          return null
        }
      }
    case "concat":
      textOnly("Fn.concat", kinds)
      return { kind: "text", run: strict((vs) => vs.join("")) }
    case "lower":
      textOnly("Fn.lower", kinds)
      return { kind: "text", run: strict(([s]) => mapCase(s as string, (c) => c.toLowerCase())) }
    case "upper":
      textOnly("Fn.upper", kinds)
      return { kind: "text", run: strict(([s]) => mapCase(s as string, (c) => c.toUpperCase())) }
    case "length":
      textOnly("Fn.length", kinds)
      return { kind: "number", run: strict(([s]) => [...(s as string)].length) }
    default:
      return refuse(`${node.name}()`)
  }
}

const compileBinary = (node: Ast.Binary, def: TableDef): Compiled => {
  const left = compile(node.left, def)
  const right = compile(node.right, def)
  const [l, r] = [left.run, right.run]
  if (node.op === "AND" || node.op === "OR") {
    const f = node.op === "AND" ? and3 : or3
    return { kind: "boolean", run: (row) => f(l(row), r(row)) }
  }
  const test = comparisons[node.op]
  if (test !== undefined) {
    if (!comparable.has(left.kind) || !comparable.has(right.kind)) {
      refuse(left.kind === "text" || right.kind === "text"
        ? "a comparison of text (each database compares text by its own collation)"
        : "a comparison of values that are not numbers or booleans")
    }
    return {
      kind: "boolean",
      run: (row) => {
        const [a, b] = [l(row), r(row)]
        return isNull(a) || isNull(b) ? null : test(compare(a, b))
      }
    }
  }
  if (!numeric.has(left.kind) || !numeric.has(right.kind)) refuse(`"${node.op}" of values that are not numbers`)
  const kind = common(left.kind, right.kind)
  // The result decodes as the left side's type: a float on the right of an integer stays what SQL makes of it.
  if (left.kind === "number" && (right.kind === "decimal" || right.kind === "bigint")) refuse(`"${node.op}" of a number and a wider number`)
  // A bigint takes whole numbers only: a float beside it is SQL's business (a double or a decimal), not a bigint.
  const whole = (side: Ast.Node, k: Kind) =>
    k !== "number" || ((side._tag === "Param" || side._tag === "Literal") && Number.isSafeInteger(side.value))
  if (kind === "bigint" && !(whole(node.left, left.kind) && whole(node.right, right.kind))) refuse(`"${node.op}" of a bigint and a number`)
  const f = arithmetic(node.op as "+" | "-" | "*", kind)
  return { kind: left.kind === "null" ? kind : left.kind, run: (row) => f(l(row), r(row)) }
}

const compileDivide = (node: Ast.Divide, def: TableDef): Compiled => {
  if (node.decimal) refuse("a division of decimals (each database picks the quotient's scale)")
  const left = compile(node.left, def)
  const right = compile(node.right, def)
  if (!numeric.has(left.kind) || !numeric.has(right.kind)) refuse("a division of values that are not numbers")
  const [l, r] = [left.run, right.run]
  const divisor = (row: Row): unknown => {
    const d = r(row)
    return isNull(d) || d === 0 || d === 0n ? null : d
  }
  if (node.mode === "true") {
    return {
      kind: "number",
      run: (row) => {
        const [a, b] = [l(row), divisor(row)]
        return isNull(a) || isNull(b) ? null : Number(a) / Number(b)
      }
    }
  }
  if (node.integral) {
    const asBigint = left.kind === "bigint"
    return {
      kind: left.kind,
      run: (row) => {
        const [a, b] = [l(row), divisor(row)]
        if (isNull(a) || isNull(b)) return null
        const q = floorInt(BigInt(a as number | bigint), BigInt(b as number | bigint))
        return asBigint ? q : Number(q)
      }
    }
  }
  return {
    kind: "number",
    run: (row) => {
      const [a, b] = [l(row), divisor(row)]
      return isNull(a) || isNull(b) ? null : Math.floor(Number(a) / Number(b))
    }
  }
}

const compileIn = (node: Ast.In, def: TableDef): Compiled => {
  if (!Array.isArray(node.list)) return refuse("IN of a subquery")
  const operand = compile(node.operand, def)
  const items = (node.list as ReadonlyArray<Ast.Node>).map((n) => compile(n, def))
  if (![operand, ...items].every((c) => comparable.has(c.kind))) refuse("IN of values that are not numbers or booleans")
  const runs = items.map((i) => i.run)
  return {
    kind: "boolean",
    run: (row) => {
      const v = operand.run(row)
      let found: boolean | null = false
      if (isNull(v)) found = runs.length === 0 ? false : null
      else {
        for (const r of runs) {
          const item = r(row)
          if (isNull(item)) found = null
          else if (compare(v, item) === 0) {
            found = true
            break
          }
        }
      }
      return node.negated ? not3(found) : found
    }
  }
}

/** The evaluator of one node; throws `NotEvaluable`. */
const compile = (node: Ast.Node, def: TableDef): Compiled => {
  switch (node._tag) {
    case "ColumnRef": {
      const key = node.key
      return { kind: kindOfType(node.column.type), run: (row) => row[key] ?? null }
    }
    case "Param": {
      const value = node.value ?? null
      return { kind: node.type !== undefined && value !== null ? kindOfType(node.type) : kindOfValue(value), run: () => value }
    }
    case "Literal": {
      const value = node.value
      return { kind: kindOfValue(value), run: () => value }
    }
    case "Binary":
      return compileBinary(node, def)
    case "Divide":
      return compileDivide(node, def)
    case "Not": {
      const operand = compile(node.operand, def).run
      return { kind: "boolean", run: (row) => not3(operand(row)) }
    }
    case "IsNull": {
      const operand = compile(node.operand, def).run
      return { kind: "boolean", run: (row) => isNull(operand(row)) !== node.negated }
    }
    case "IsDistinct": {
      const [left, right] = [compile(node.left, def), compile(node.right, def)]
      if (!comparable.has(left.kind) || !comparable.has(right.kind)) refuse("IS DISTINCT FROM of values that are not numbers or booleans")
      return {
        kind: "boolean",
        run: (row) => {
          const [a, b] = [left.run(row), right.run(row)]
          const same = isNull(a) || isNull(b) ? isNull(a) && isNull(b) : compare(a, b) === 0
          return same === node.negated
        }
      }
    }
    case "Between": {
      const [v, low, high] = [compile(node.operand, def), compile(node.low, def), compile(node.high, def)]
      if (![v, low, high].every((c) => comparable.has(c.kind))) refuse("BETWEEN of values that are not numbers or booleans")
      const test = (a: unknown, b: unknown) => (isNull(a) || isNull(b) ? null : compare(a, b) <= 0)
      return {
        kind: "boolean",
        run: (row) => {
          const x = v.run(row)
          const inside = and3(test(low.run(row), x), test(x, high.run(row)))
          return node.negated ? not3(inside) : inside
        }
      }
    }
    case "In":
      return compileIn(node, def)
    case "Case": {
      const whens = node.whens.map(([c, r]) => [compile(c, def).run, compile(r, def)] as const)
      const otherwise = node.otherwise === undefined ? undefined : compile(node.otherwise, def)
      const kinds = [...whens.map(([, r]) => r.kind), ...(otherwise === undefined ? [] : [otherwise.kind])]
      return {
        kind: kinds.find((k) => k !== "null") ?? "null",
        run: (row) => {
          for (const [condition, result] of whens) if (condition(row) === true) return result.run(row)
          return otherwise === undefined ? null : otherwise.run(row)
        }
      }
    }
    case "Func":
      return func(node, def)
    case "Raw":
    case "Template":
      return refuse("Expr.raw")
    case "Exists":
    case "Scalar":
      return refuse("a subquery")
    case "Like":
    case "LikeText":
      return refuse("LIKE (each database matches text by its own collation)")
    case "Regexp":
      return refuse("a regular expression")
    case "Cast":
      return refuse("Expr.cast")
    case "JsonGet":
      return refuse("a JSON path")
    case "Tuple":
      return refuse("a tuple")
    case "Over":
    case "SourceColumn":
    case "Excluded":
      return refuse(node._tag)
  }
}

/**
 * A function of an instance giving the value of `node` on its row, decoded as `type` (a
 * decimal at the scale the database's value would be read at); or the construct that
 * stops it, as a `NotEvaluable`.
 */
export const evaluator = (node: Ast.Node, def: TableDef, type: Ast.ValueType): ((row: object) => unknown) => {
  const { run } = compile(node, def)
  if (type._tag === "numeric") {
    const scale = type.scale
    return (row) => {
      const v = run(row as Row)
      return BigDecimal.isBigDecimal(v) ? BigDecimal.scale(v, scale) : v
    }
  }
  return run as (row: object) => unknown
}
