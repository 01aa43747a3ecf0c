/**
 * INSERT: rows split into statements by the columns they set and the dialect's parameter
 * limit, upserts, RETURNING, and a per-shape cache for one-row inserts (the hot path).
 */
import type { Dialect } from "../../Dialect.js"
import * as Ast from "../ast/nodes.js"
import { encodeValue, insertValues, writeEncoder } from "../rows.js"
import type { ColumnInfo, TableDef } from "../tableDef.js"
import { Context, type Step } from "./context.js"
import { expression } from "./expression.js"
import { selectStatement } from "./select.js"
import { compileWrite } from "./with.js"

/** `qualified`: columns keep their table (a write with other sources, where a name may be ambiguous). */
export const returning = (ctx: Context, selection: ReadonlyArray<Ast.Selection> | undefined, qualified = false): string =>
  selection === undefined || selection.length === 0
    ? ""
    : ` RETURNING ${
      selection.map((sel) => `${qualified ? expression(ctx, sel.node) : returningColumn(ctx, sel.node)} AS ${ctx.q(sel.alias)}`).join(", ")
    }`

/** In RETURNING, columns are written unqualified (MariaDB rejects a table prefix there). */
export const returningColumn = (ctx: Context, node: Ast.Node) => (node._tag === "ColumnRef" ? ctx.q(node.name) : expression(ctx, node))

/**
 * Single-row inserts by shape (table, dialect, the columns set, the RETURNING list): the SQL
 * text is built once per shape; each call only validates and encodes its values.
 */
export interface InsertShape {
  readonly sql: string
  readonly columns: ReadonlyArray<ColumnInfo>
  readonly identity: Step["identity"]
}

/** Per table, per dialect and RETURNING list, per set of columns: the statement of a one-row insert. */
export const insertShapes = new WeakMap<TableDef, Map<string, Map<string, Map<number | string, InsertShape>>>>()

/** A RETURNING list of plain columns, as a cache key; undefined when it holds anything else. */
/** Keys of selections seen before (a model's own selection is one shared array). */
export const returningKeys = new WeakMap<ReadonlyArray<Ast.Selection>, string | undefined>()

export const returningKey = (selection: ReadonlyArray<Ast.Selection> | undefined): string | undefined => {
  if (selection === undefined) return ""
  if (returningKeys.has(selection)) return returningKeys.get(selection)
  const key = returningKeyOf(selection)
  returningKeys.set(selection, key)
  return key
}

export const returningKeyOf = (selection: ReadonlyArray<Ast.Selection>): string | undefined => {
  let key = ""
  for (const sel of selection) {
    if (sel.node._tag !== "ColumnRef") return undefined
    key += `${sel.node.name}\u0000${sel.alias}\u0001`
  }
  return key
}


/** Which columns a row sets, as a bit set (a string of their names past 31 columns): the key of a one-row shape. */
export const presentColumns = (table: TableDef, row: Readonly<Record<string, unknown>>): number | string => {
  if (table.columns.length <= 31) {
    let present = 0
    for (let i = 0; i < table.columns.length; i++) if (row[table.columns[i]!.key] !== undefined) present |= 1 << i
    return present
  }
  let present = ""
  for (const c of table.columns) if (row[c.key] !== undefined) present += `\u0000${c.key}`
  return present
}

export const insertOne = (dialect: Dialect, node: Ast.Insert): ReadonlyArray<Step> | undefined => {
  if (node.rows.length !== 1 || node.onConflict !== undefined) return undefined
  const ret = returningKey(node.returning)
  if (ret === undefined) return undefined
  const { table } = node
  const row = insertValues(node.model, table, node.rows[0])
  const present = presentColumns(table, row)
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

export const insert = (dialect: Dialect, node: Ast.Insert, validated = false): ReadonlyArray<Step> => {
  if (!validated) {
    const one = insertOne(dialect, node)
    if (one !== undefined) return one
  }
  const { table } = node
  const q = dialect.ddl.quote
  const rows = validated ? node.rows as ReadonlyArray<Record<string, unknown>> : node.rows.map((row) => insertValues(node.model, table, row))
  if (rows.length > 1 && node.onConflict === undefined && node.returning === undefined && rows.every((row) => setsEvery(table, row))) {
    return insertEncoded(dialect, table, rows)
  }
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
    sql += upsertClause(ctx, node)
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


/**
 * A plain multi-row INSERT (no RETURNING, no conflict clause) of validated rows that set
 * every column of `table` (`setsEvery`): each value encoded once (`writeEncoder`) into one
 * flat array of parameters per statement, rows split by the dialect's parameter limit as
 * `insert` splits them. The text of a statement of n rows is made once per table, dialect
 * and n (a few sizes kept), so a flush of 10,000 rows builds no tuple text per row. Called
 * by `insert` and `insertAllDirect`. Throws `EncodeError`.
 */
export const insertEncoded = (dialect: Dialect, table: TableDef, rows: ReadonlyArray<Readonly<Record<string, unknown>>>): ReadonlyArray<Step> => {
  const columns = table.columns
  const width = columns.length
  const encoders = columns.map((c) => writeEncoder(dialect, table, c))
  const perStatement = Math.max(1, Math.floor(dialect.compiler.maxParameters / width))
  const identity = table.autoIncrement === undefined
    ? undefined
    : { table: table.tableName, column: table.autoIncrement.name, explicit: true }
  const out: Array<Step> = []
  for (let first = 0; first < rows.length; first += perStatement) {
    const n = Math.min(perStatement, rows.length - first)
    const params = new Array<unknown>(n * width)
    for (let i = 0; i < n; i++) {
      const row = rows[first + i]!
      for (let j = 0; j < width; j++) params[i * width + j] = encoders[j]!(row[columns[j]!.key])
    }
    const sql = encodedText(dialect, table, n)
    out.push(identity === undefined ? { sql, params, result: "count" } : { sql, params, result: "count", identity })
  }
  return out
}

/** The row sets every column of `table` (none left to a default). */
export const setsEvery = (table: TableDef, row: Readonly<Record<string, unknown>>) => {
  for (const c of table.columns) if (row[c.key] === undefined) return false
  return true
}

const encodedTexts = new WeakMap<TableDef, Map<Dialect, Map<number, string>>>()

const encodedText = (dialect: Dialect, table: TableDef, n: number): string => {
  let byDialect = encodedTexts.get(table)
  if (byDialect === undefined) encodedTexts.set(table, byDialect = new Map())
  let bySize = byDialect.get(dialect)
  if (bySize === undefined) byDialect.set(dialect, bySize = new Map())
  let sql = bySize.get(n)
  if (sql === undefined) {
    const q = dialect.ddl.quote
    const width = table.columns.length
    const tuples = new Array<string>(n)
    let k = 0
    for (let i = 0; i < n; i++) {
      const slots = new Array<string>(width)
      for (let j = 0; j < width; j++) slots[j] = dialect.compiler.placeholder(++k)
      tuples[i] = `(${slots.join(", ")})`
    }
    sql = `INSERT INTO ${q(table.tableName)} (${table.columns.map((c) => q(c.name)).join(", ")}) VALUES ${tuples.join(", ")}`
    // The full-size statement and the last few remainders: flushes of varying sizes do not grow it.
    if (bySize.size >= 8) bySize.delete(bySize.keys().next().value!)
    bySize.set(n, sql)
  }
  return sql
}

/** The ON CONFLICT / ON DUPLICATE KEY clause of an insert, if it has one. */
const upsertClause = (ctx: Context, node: Ast.Insert): string => {
  if (node.onConflict === undefined) return ""
  const { table } = node
  const q = (id: string) => ctx.q(id)
  // After a SELECT, the columns the clause assigns may need their table (MariaDB: the SELECT's tables share names).
  const column = node.select === undefined ? q : (id: string) => ctx.dialect.compiler.upsertSelectColumn(q(table.tableName), q(id))
  const set = node.onConflict.action._tag === "DoUpdate"
    ? node.onConflict.action.set.map((a) => [column(a.column), expression(ctx, a.value)] as const)
    : []
  return ctx.dialect.compiler.upsert(node.onConflict.target.map(q), set, table.primaryKey.map((k) => column(table.byKey.get(k)!.name)))
}

/**
 * INSERT … SELECT: one statement, with the WITH clause of the CTEs the query uses. Its rows
 * come from the database, so they are not validated by the model's Schema.
 */
export const insertSelect = (dialect: Dialect, node: Ast.Insert & { readonly select: Ast.SelectStatement }): Step => {
  const { table } = node
  const columns = node.columns ?? []
  const { sql, params } = compileWrite(dialect, node, (ctx) => {
    const select = selectStatement(ctx, node.select)
    const into = `INSERT INTO ${ctx.q(table.tableName)} (${columns.map((c) => ctx.q(c)).join(", ")}) `
    return into + (node.onConflict === undefined ? select : dialect.compiler.upsertSelect(select)) + upsertClause(ctx, node) +
      returning(ctx, node.returning)
  })
  const result = node.returning === undefined ? "count" : "rows"
  const identity = table.autoIncrement
  return identity === undefined
    ? { sql, params, result }
    : { sql, params, result, identity: { table: table.tableName, column: identity.name, explicit: columns.includes(identity.name) } }
}
