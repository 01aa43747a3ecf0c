/**
 * The statement compiler: one algorithm over the AST (`src/internal/ast/nodes.ts`) with
 * the dialect's hooks for placeholders, quoting, LIKE, concatenation, NULLS ordering,
 * upserts and LIMIT. Every value becomes a bound parameter, encoded for the dialect;
 * every identifier is quoted. Called by `src/Query.ts`.
 */
import type { ColumnType } from "../Column.js"
import type { Dialect } from "../Dialect.js"
import { EncodeError } from "../Errors.js"
import * as Ast from "./ast/nodes.js"
import { typeOfValue } from "./expr.js"
import { checkCustom, checkText } from "./representable.js"
import { encodeAssigned, encodeValue, insertValues } from "./rows.js"
import type { ColumnInfo, TableDef } from "./tableDef.js"
import { describe, isSqlNull, toDriver, ValueError } from "./values.js"

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
class Context {
  readonly params: Array<unknown> = []
  /** Where placeholders are numbered ($1), one value node is one parameter wherever it appears. */
  private readonly rendered = new Map<Ast.Node, string>()
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

const encodeParam = (ctx: Context, node: Ast.Param): unknown => {
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
const count = (ctx: Context, what: string, n: unknown): string => {
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw new ValueError(`${what} must be a whole number of at least 0, not ${describe(n)}`, describe(n))
  }
  return ctx.bind(n)
}

const expression = (ctx: Context, node: Ast.Node): string => {
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
        return `(${e(node.operand)} ${node.negated ? "NOT " : ""}IN (${node.list.map(e).join(", ")}))`
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
    case "Over": {
      const parts: Array<string> = []
      if (node.partitionBy.length > 0) parts.push(`PARTITION BY ${node.partitionBy.map(e).join(", ")}`)
      if (node.orderBy.length > 0) parts.push(`ORDER BY ${node.orderBy.map((t) => orderTerm(ctx, t)).join(", ")}`)
      return `${e(node.fn)} OVER (${parts.join(" ")})`
    }
    case "Case": {
      const whens = node.whens.map(([c, r]) => `WHEN ${e(c)} THEN ${e(r)}`).join(" ")
      return `(CASE ${whens}${node.otherwise === undefined ? "" : ` ELSE ${e(node.otherwise)}`} END)`
    }
    case "Exists":
      return `(${node.negated ? "NOT " : ""}EXISTS (${selectStatement(ctx, node.query)}))`
    case "Scalar":
      return `(${selectStatement(ctx, node.query)})`
  }
}

/** An operand used as text: an enum column (a PostgreSQL enum type) is cast. */
const text = (ctx: Context, node: Ast.Node): string => {
  const rendered = expression(ctx, node)
  return node._tag === "ColumnRef" && node.column.type._tag === "literal" ? ctx.dialect.compiler.enumAsText(rendered) : rendered
}

const func = (ctx: Context, node: Ast.Func): string => {
  const textual = node.name === "lower" || node.name === "upper" || node.name === "concat"
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
    case "now":
      return ctx.dialect.ddl.call(node, undefined)
    case "rowNumber":
      return "ROW_NUMBER()"
    case "rank":
      return "RANK()"
    case "denseRank":
      return "DENSE_RANK()"
  }
}

const orderTerm = (ctx: Context, term: Ast.OrderTerm, alias?: (node: Ast.Node) => string | undefined): string => {
  const named = alias?.(term.node)
  const rendered = named !== undefined ? ctx.q(named) : expression(ctx, term.node)
  return ctx.dialect.compiler.orderTerm(rendered, term.direction === "asc" ? "ASC" : "DESC", term.nulls)
}

const source = (ctx: Context, s: Ast.Source): string => {
  switch (s._tag) {
    case "Table":
      return s.alias === undefined ? ctx.q(s.table.tableName) : `${ctx.q(s.table.tableName)} AS ${ctx.q(s.alias)}`
    case "Subquery":
      return `(${selectStatement(ctx, s.query)}) AS ${ctx.q(s.alias)}`
    case "Cte":
      return ctx.q(s.name)
  }
}

/** The CTEs a statement uses, dependencies first; a recursive CTE's reference to itself is not a dependency. */
const collectCtes = (root: Ast.SelectStatement): ReadonlyArray<Ast.CteSource> => {
  const out: Array<Ast.CteSource> = []
  const seen = new Set<string>()
  const visitSource = (s: Ast.Source | undefined, inside: ReadonlySet<string>) => {
    if (s === undefined) return
    if (s._tag === "Subquery") visitStatement(s.query, inside)
    if (s._tag === "Cte" && !inside.has(s.name) && !seen.has(s.name)) {
      seen.add(s.name)
      visitStatement(s.query, new Set([...inside, s.name]))
      out.push(s)
    }
  }
  const visitNode = (n: Ast.Node | undefined, inside: ReadonlySet<string>): void => {
    if (n === undefined) return
    if (n._tag === "Exists" || n._tag === "Scalar") return visitStatement(n.query, inside)
    if (n._tag === "In" && !Array.isArray(n.list)) visitStatement(n.list as Ast.SelectStatement, inside)
    Ast.children(n).forEach((child) => visitNode(child, inside))
  }
  const visitSelect = (s: Ast.Select, inside: ReadonlySet<string>) => {
    s.ctes.forEach((c) => visitSource(c, inside))
    visitSource(s.from, inside)
    s.joins.forEach((j) => visitSource(j.source, inside))
    s.selection.forEach((sel) => visitNode(sel.node, inside))
    visitNode(s.where, inside)
    visitNode(s.having, inside)
  }
  const visitStatement = (s: Ast.SelectStatement, inside: ReadonlySet<string>) => {
    if (s._tag === "Select") return visitSelect(s, inside)
    visitSelect(s.first, inside)
    s.parts.forEach((p) => visitSelect(p.query, inside))
  }
  visitStatement(root, new Set())
  return out
}

const withClause = (ctx: Context, ctes: ReadonlyArray<Ast.CteSource>): string => {
  if (ctes.length === 0) return ""
  const recursive = ctes.some((c) => c.recursive) ? "RECURSIVE " : ""
  // CTE bodies are rendered without their own WITH: the statement's one WITH clause holds them all.
  return `WITH ${recursive}${
    ctes.map((c) => `${ctx.q(c.name)} (${c.columns.map((n) => ctx.q(n)).join(", ")}) AS (${selectBody(ctx, c.query)})`).join(", ")
  } `
}

const limitOffset = (ctx: Context, limit: number | undefined, offset: number | undefined) =>
  ctx.dialect.compiler.limitOffset(
    limit === undefined ? undefined : count(ctx, "LIMIT", limit),
    offset === undefined ? undefined : count(ctx, "OFFSET", offset)
  )

const selectCore = (ctx: Context, s: Ast.Select): string => {
  const e = (n: Ast.Node) => expression(ctx, n)
  let sql = `SELECT ${s.distinct ? "DISTINCT " : ""}${s.selection.map((sel) => `${e(sel.node)} AS ${ctx.q(sel.alias)}`).join(", ")}`
  if (s.from !== undefined) sql += ` FROM ${source(ctx, s.from)}`
  for (const join of s.joins) sql += ` ${join.kind === "left" ? "LEFT JOIN" : "JOIN"} ${source(ctx, join.source)} ON ${e(join.on)}`
  if (s.where !== undefined) sql += ` WHERE ${e(s.where)}`
  if (s.groupBy.length > 0) sql += ` GROUP BY ${s.groupBy.map(e).join(", ")}`
  if (s.having !== undefined) sql += ` HAVING ${e(s.having)}`
  return sql
}

const selectTail = (ctx: Context, s: Ast.Select): string => {
  let sql = ""
  if (s.orderBy.length > 0) sql += ` ORDER BY ${s.orderBy.map((t) => orderTerm(ctx, t)).join(", ")}`
  return sql + limitOffset(ctx, s.limit, s.offset)
}

/** A SELECT or compound without its WITH clause. */
const selectBody = (ctx: Context, s: Ast.SelectStatement): string => {
  if (s._tag === "Select") return selectCore(ctx, s) + selectTail(ctx, s)
  // A member with its own ORDER BY or LIMIT becomes a subquery: SQLite forbids parentheses
  // around compound members, and their clauses would otherwise bind to the whole compound.
  const member = (m: Ast.Select, i: number) =>
    m.orderBy.length === 0 && m.limit === undefined && m.offset === undefined
      ? selectCore(ctx, m)
      : `SELECT * FROM (${selectCore(ctx, m)}${selectTail(ctx, m)}) AS ${ctx.q(`_member${i}`)}`
  let sql = member(s.first, 0)
  s.parts.forEach((part, i) => (sql += ` ${part.op} ${member(part.query, i + 1)}`))
  // A compound is ordered by its output columns.
  const aliasOf = (node: Ast.Node) => s.first.selection.find((sel) => sel.node === node)?.alias
  if (s.orderBy.length > 0) sql += ` ORDER BY ${s.orderBy.map((t) => orderTerm(ctx, t, aliasOf)).join(", ")}`
  return sql + limitOffset(ctx, s.limit, s.offset)
}

const selectStatement = (ctx: Context, s: Ast.SelectStatement): string => selectBody(ctx, s)

const topLevelSelect = (ctx: Context, s: Ast.SelectStatement): string => {
  // Render the body first (parameters in order), then prepend WITH: CTE parameters come first
  // in the SQL text, so they must be bound first.
  const ctes = collectCtes(s)
  const withCtx = new Context(ctx.dialect)
  const prefix = withClause(withCtx, ctes)
  const bodyCtx = new Context(ctx.dialect)
  bodyCtx.params.push(...withCtx.params)
  const body = selectBody(bodyCtx, s)
  ctx.params.push(...bodyCtx.params)
  return prefix + body
}

const returning = (ctx: Context, selection: ReadonlyArray<Ast.Selection> | undefined): string =>
  selection === undefined || selection.length === 0
    ? ""
    : ` RETURNING ${selection.map((sel) => `${returningColumn(ctx, sel.node)} AS ${ctx.q(sel.alias)}`).join(", ")}`

/** In RETURNING, columns are written unqualified (MariaDB rejects a table prefix there). */
const returningColumn = (ctx: Context, node: Ast.Node) => (node._tag === "ColumnRef" ? ctx.q(node.name) : expression(ctx, node))

/**
 * Single-row inserts by shape (table, dialect, the columns set, the RETURNING list): the SQL
 * text is built once per shape; each call only validates and encodes its values.
 */
interface InsertShape {
  readonly sql: string
  readonly columns: ReadonlyArray<ColumnInfo>
  readonly identity: Step["identity"]
}

/** Per table, per dialect and RETURNING list, per set of columns: the statement of a one-row insert. */
const insertShapes = new WeakMap<TableDef, Map<string, Map<string, Map<number | string, InsertShape>>>>()

/** A RETURNING list of plain columns, as a cache key; undefined when it holds anything else. */
/** Keys of selections seen before (a model's own selection is one shared array). */
const returningKeys = new WeakMap<ReadonlyArray<Ast.Selection>, string | undefined>()

const returningKey = (selection: ReadonlyArray<Ast.Selection> | undefined): string | undefined => {
  if (selection === undefined) return ""
  if (returningKeys.has(selection)) return returningKeys.get(selection)
  const key = returningKeyOf(selection)
  returningKeys.set(selection, key)
  return key
}

const returningKeyOf = (selection: ReadonlyArray<Ast.Selection>): string | undefined => {
  let key = ""
  for (const sel of selection) {
    if (sel.node._tag !== "ColumnRef") return undefined
    key += `${sel.node.name}\u0000${sel.alias}\u0001`
  }
  return key
}

/**
 * The SQL type a literal is bound as: its value's type, widened to a 64-bit integer when an
 * integer does not fit in 32 bits (a database's INTEGER). The expression keeps its own type
 * for decoding: a JavaScript number.
 */
const sqlTypeOfLiteral = (type: ColumnType, value: unknown): ColumnType =>
  type._tag === "integer" && typeof value === "number" && (value > 2_147_483_647 || value < -2_147_483_648)
    ? { _tag: "bigint" }
    : type

const insertOne = (dialect: Dialect, node: Ast.Insert): ReadonlyArray<Step> | undefined => {
  if (node.rows.length !== 1 || node.onConflict !== undefined) return undefined
  const ret = returningKey(node.returning)
  if (ret === undefined) return undefined
  const { table } = node
  const row = insertValues(node.model, table, node.rows[0])
  // Which columns the row sets, as a bit set (a string of their names past 31 columns).
  let present: number | string = 0
  if (table.columns.length <= 31) {
    for (let i = 0; i < table.columns.length; i++) if (row[table.columns[i]!.key] !== undefined) present |= 1 << i
  } else {
    present = ""
    for (const c of table.columns) if (row[c.key] !== undefined) present += `\u0000${c.key}`
  }
  let byDialect = insertShapes.get(table)
  if (byDialect === undefined) insertShapes.set(table, byDialect = new Map())
  let byReturning = byDialect.get(dialect.name)
  if (byReturning === undefined) byDialect.set(dialect.name, byReturning = new Map())
  let byShape = byReturning.get(ret)
  if (byShape === undefined) byReturning.set(ret, byShape = new Map())
  const signature = present
  let shape = byShape.get(signature)
  if (shape === undefined) {
    const [step] = insert(dialect, { ...node, rows: [row], onConflict: undefined }, true)
    shape = { sql: step!.sql, columns: table.columns.filter((c) => row[c.key] !== undefined), identity: step!.identity }
    byShape.set(signature, shape)
  }
  const params = shape.columns.map((c) => encodeValue(dialect, table, c, row[c.key]))
  const result = node.returning === undefined ? "count" : "rows"
  return [shape.identity === undefined ? { sql: shape.sql, params, result } : { sql: shape.sql, params, result, identity: shape.identity }]
}

const insert = (dialect: Dialect, node: Ast.Insert, validated = false): ReadonlyArray<Step> => {
  if (!validated) {
    const one = insertOne(dialect, node)
    if (one !== undefined) return one
  }
  const { table } = node
  const q = dialect.ddl.quote
  const rows = validated ? node.rows as ReadonlyArray<Record<string, unknown>> : node.rows.map((row) => insertValues(node.model, table, row))
  const out: Array<Step> = []
  const result = node.returning === undefined ? "count" : "rows"
  // Consecutive rows that set the same columns share a statement (SQLite has no DEFAULT in VALUES).
  const sameColumns = (a: Record<string, unknown>, b: Record<string, unknown>) => {
    for (const c of table.columns) if ((a[c.key] === undefined) !== (b[c.key] === undefined)) return false
    return true
  }
  let i = 0
  while (i < rows.length) {
    const first = rows[i]!
    const columns = table.columns.filter((c) => first[c.key] !== undefined)
    const perStatement = Math.max(1, Math.floor(dialect.compiler.maxParameters / Math.max(1, columns.length)))
    const group: Array<Record<string, unknown>> = []
    while (i < rows.length && group.length < perStatement && sameColumns(first, rows[i]!)) {
      group.push(rows[i]!)
      i++
    }
    const ctx = new Context(dialect)
    const tuples = group.map((row) => `(${columns.map((c) => ctx.bind(encodeValue(dialect, table, c, row[c.key]))).join(", ")})`)
    let sql = columns.length === 0
      ? dialect.compiler.insertDefaults(q(table.tableName))
      : `INSERT INTO ${q(table.tableName)} (${columns.map((c) => q(c.name)).join(", ")}) VALUES ${tuples.join(", ")}`
    if (node.onConflict !== undefined) {
      const set = node.onConflict.action._tag === "DoUpdate"
        ? node.onConflict.action.set.map((a) => [q(a.column), expression(ctx, a.value)] as const)
        : []
      sql += dialect.compiler.upsert(
        node.onConflict.target.map(q),
        set,
        table.primaryKey.map((k) => q(table.byKey.get(k)!.name))
      )
    }
    sql += returning(ctx, node.returning)
    const identity = table.autoIncrement
    const step: Step = identity === undefined
      ? { sql, params: ctx.params, result }
      : { sql, params: ctx.params, result, identity: { table: table.tableName, column: identity.name, explicit: columns.includes(identity) } }
    if (columns.length === 0) group.slice(1).forEach(() => out.push(step))
    out.push(step)
  }
  return out
}

const update = (dialect: Dialect, node: Ast.Update): Step => {
  if (node.set.length === 0) {
    throw new EncodeError({ message: `${node.table.tableName}: an UPDATE needs at least one column to set`, table: node.table.tableName, column: undefined })
  }
  const ctx = new Context(dialect)
  const q = (id: string) => ctx.q(id)
  let sql = `UPDATE ${q(node.table.tableName)} SET ${node.set.map((a) => `${q(a.column)} = ${expression(ctx, a.value)}`).join(", ")}`
  if (node.where !== undefined) sql += ` WHERE ${expression(ctx, node.where)}`
  sql += returning(ctx, node.returning)
  return { sql, params: ctx.params, result: node.returning === undefined ? "count" : "rows" }
}

const delete_ = (dialect: Dialect, node: Ast.Delete): Step => {
  const ctx = new Context(dialect)
  let sql = `DELETE FROM ${ctx.q(node.table.tableName)}`
  if (node.where !== undefined) sql += ` WHERE ${expression(ctx, node.where)}`
  sql += returning(ctx, node.returning)
  return { sql, params: ctx.params, result: node.returning === undefined ? "count" : "rows" }
}

/** Renders one expression on its own (for tests and `Expr` debugging). */
export const compileExpression = (dialect: Dialect, node: Ast.Node): Compiled => {
  const ctx = new Context(dialect)
  const sql = expression(ctx, node)
  return { sql, params: ctx.params }
}

/**
 * Compiled statements, per immutable AST node and dialect: a query built once and run
 * many times is compiled once. Inserts are not cached: their rows are the user's objects.
 */
const cache = new WeakMap<Ast.Statement, Map<string, ReadonlyArray<Step>>>()

/**
 * Compiles a statement into the steps that run it. Throws `EncodeError` for a value its
 * column rejects, a value no database type takes, or a statement its input cannot build.
 */
export const compile = (dialect: Dialect, node: Ast.Statement): ReadonlyArray<Step> => {
  try {
    if (node._tag === "Insert") return compileUncached(dialect, node)
    let byDialect = cache.get(node)
    if (byDialect === undefined) cache.set(node, byDialect = new Map())
    let steps = byDialect.get(dialect.name)
    if (steps === undefined) byDialect.set(dialect.name, steps = compileUncached(dialect, node))
    return steps
  } catch (e) {
    if (!(e instanceof ValueError)) throw e
    const table = "table" in node ? node.table.tableName : "(query)"
    throw new EncodeError({ message: `${table}: ${e.message}`, table, column: undefined, value: e.value })
  }
}

const compileUncached = (dialect: Dialect, node: Ast.Statement): ReadonlyArray<Step> => {
  switch (node._tag) {
    case "Select":
    case "Compound": {
      const ctx = new Context(dialect)
      const sql = topLevelSelect(ctx, node)
      return [{ sql, params: ctx.params, result: "rows" }]
    }
    case "Insert":
      return insert(dialect, node)
    case "Update":
      return [update(dialect, node)]
    case "Delete":
      return [delete_(dialect, node)]
  }
}
