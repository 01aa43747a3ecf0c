/**
 * One row inserted and returned as a model instance: the path of `session.insert` (and of
 * a flush of one pending row) when no hook is registered. Called by `src/Session.ts`.
 *
 * A plan per (table, dialect, set of columns given) holds the statement text, the columns
 * to encode and how the instance is completed: nothing is built or compiled per call.
 * On SQLite, when every column left out is the rowid key or a plain nullable one, the
 * statement has no RETURNING: the instance is decoded from the values bound (what SQLite
 * stores for the column types below, affinity included) and the rowid the driver reports,
 * as SQLAlchemy completes an instance from `lastrowid`. RETURNING makes better-sqlite3 read
 * a row back, which costs more than the insert itself.
 */
import { Effect, type Fiber } from "effect"
import type { Dialect } from "../../Dialect.js"
import type * as Engine from "../../Engine.js"
import { type DatabaseError, DecodeError, EncodeError } from "../../Errors.js"
import type * as Table from "../../Table.js"
import { insert as compileInsert, presentColumns } from "../compiler/insert.js"
import type { Step } from "../compiler/context.js"
import { encodeValue, insertValues, rowDecoder } from "../rows.js"
import type { ColumnInfo, TableDef } from "../tableDef.js"
import { executeWith, needsIdentitySync } from "./execute.js"
import { insert as insertQuery } from "./insert.js"
import type * as Ast from "../ast/nodes.js"
import { modelSelection } from "./build.js"
import * as StatementNow from "../statementNow.js"

/** Column types whose bound value SQLite gives back unchanged (or, for NUMERIC affinity, decodes the same). */
const roundTrips = new Set(["integer", "bigint", "float", "numeric", "string", "text", "boolean", "date", "dateTime", "time", "uuid", "literal", "json", "binary"])

interface Plan {
  /** INSERT … RETURNING the model's columns. */
  readonly sql: string
  readonly columns: ReadonlyArray<ColumnInfo>
  readonly identity: Step["identity"]
  readonly options: Engine.StatementOptions
  /** SQLite: the INSERT without RETURNING, when the instance can be completed without it. */
  readonly direct: Direct | undefined
}

interface Direct {
  readonly sql: string
  readonly rowid: ColumnInfo | undefined
  readonly nulls: ReadonlyArray<ColumnInfo>
}

const plans = new WeakMap<TableDef, Map<Dialect, Map<number | string, Plan>>>()

const makePlan = (dialect: Dialect, model: Table.Any, def: TableDef, row: Record<string, unknown>): Plan => {
  const columns = def.columns.filter((c) => row[c.key] !== undefined)
  const withReturning = insertQuery(model).values([row] as never).returning(model).node
  const [step] = compileInsert(dialect, withReturning, true)
  const wide = dialect.values.bigintNeedsSafeIntegers && def.columns.some((c) => c.def.type._tag === "bigint")
  const options: Engine.StatementOptions = wide
    ? { safeIntegers: true, collection: def.tableName, operation: "INSERT", readOnly: false }
    : { collection: def.tableName, operation: "INSERT", readOnly: false }
  let direct: Plan["direct"]
  if (dialect.name === "sqlite" && def.columns.every((c) => roundTrips.has(c.def.type._tag))) {
    const absent = def.columns.filter((c) => row[c.key] === undefined)
    const rowid = def.autoIncrement !== undefined && def.primaryKey.length === 1 && def.primaryKey[0] === def.autoIncrement.key &&
        def.autoIncrement.def.type._tag === "integer"
      ? def.autoIncrement
      : undefined
    const plain = (c: ColumnInfo) => c.def.nullable && c.def.serverDefault === undefined && !c.def.autoIncrement
    if (absent.every((c) => c === rowid || plain(c))) {
      const [bare] = compileInsert(dialect, insertQuery(model).values([row] as never).node, true)
      direct = { sql: bare!.sql, rowid: absent.includes(rowid!) ? rowid : undefined, nulls: absent.filter((c) => c !== rowid) }
    }
  }
  return { sql: step!.sql, columns, identity: step!.identity, options, direct }
}

const planFor = (dialect: Dialect, model: Table.Any, def: TableDef, row: Record<string, unknown>): Plan => {
  let byDialect = plans.get(def)
  if (byDialect === undefined) plans.set(def, byDialect = new Map())
  let byShape = byDialect.get(dialect)
  if (byShape === undefined) byDialect.set(dialect, byShape = new Map())
  const key = presentColumns(def, row)
  let plan = byShape.get(key)
  if (plan === undefined) byShape.set(key, plan = makePlan(dialect, model, def, row))
  return plan
}

/** NaN is stored by SQLite as NULL: such a row is read back instead of assumed. */
const storedAsBound = (params: ReadonlyArray<unknown>) => {
  for (const p of params) if (typeof p === "number" && Number.isNaN(p)) return false
  return true
}

const noRow = (def: TableDef) =>
  new DecodeError({ message: `INSERT into ${def.tableName} stored no row (a trigger dropped it)`, table: def.tableName, column: "(row)", value: "(none)" })

const decodeOne = (decode: (row: Readonly<Record<string, unknown>>) => object, row: Readonly<Record<string, unknown>>): Effect.Effect<object, DecodeError> => {
  try {
    return Effect.succeed(decode(row))
  } catch (e) {
    if (e instanceof DecodeError) return Effect.fail(e)
    throw e
  }
}

interface Prepared {
  readonly plan: Plan
  readonly params: Array<unknown>
  readonly row: Record<string, unknown>
}

/** The row validated, its plan, and its values encoded for the driver. Throws `EncodeError`. */
const prepare = (dialect: Dialect, model: Table.Any, def: TableDef, input: unknown): Prepared => {
  const row = insertValues(model, def, input)
  const plan = planFor(dialect, model, def, row)
  const params = new Array(plan.columns.length)
  for (let i = 0; i < plan.columns.length; i++) params[i] = encodeValue(dialect, def, plan.columns[i]!, row[plan.columns[i]!.key])
  return { plan, params, row }
}

/** The instance of a row inserted without RETURNING: its bound values and the rowid. Throws `DecodeError`. */
const completed = (def: TableDef, plan: Plan, direct: Direct, params: ReadonlyArray<unknown>, result: unknown, decode: (row: Readonly<Record<string, unknown>>) => object): object => {
  // A trigger may drop the row (RAISE(IGNORE)): nothing was stored, there is no instance.
  if ((result as { readonly changes: number }).changes !== 1) throw noRow(def)
  const stored: Record<string, unknown> = {}
  for (let i = 0; i < plan.columns.length; i++) stored[plan.columns[i]!.name] = params[i]
  for (const c of direct.nulls) stored[c.name] = null
  if (direct.rowid !== undefined) {
    const id = (result as { readonly lastInsertRowid: number | bigint }).lastInsertRowid
    stored[direct.rowid.name] = typeof id === "bigint" && id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : id
  }
  return decode(stored)
}

/**
 * Inserts one row of `model` on `engine` (in the transaction in effect, if any) and returns
 * the new instance, with generated and server-filled columns read back.
 *
 * `now`: the caller's fiber, when the statement may run at once, in the caller's step (it
 * runs inside a transaction already and nothing must be written first). On SQLite without
 * RETURNING and untraced, the engine's synchronous path (`statementNow.ts`) then runs it with
 * no Effect per statement, and the Effect returned is already done.
 */
export const insertRow = (
  engine: Engine.Engine,
  model: Table.Any,
  def: TableDef,
  input: unknown,
  now?: Fiber.RuntimeFiber<unknown, unknown>
): Effect.Effect<object, DatabaseError | DecodeError | EncodeError> => {
  const dialect = engine.dialect
  let prepared: Prepared
  try {
    prepared = prepare(dialect, model, def, input)
  } catch (e) {
    if (e instanceof EncodeError) return Effect.fail(e)
    throw e
  }
  const { plan, params, row } = prepared
  const decode = rowDecoder(dialect, model, def)
  const direct = plan.direct
  if (direct !== undefined && storedAsBound(params)) {
    const complete = (result: unknown): Effect.Effect<object, DecodeError> => {
      try {
        return Effect.succeed(completed(def, plan, direct, params, result, decode))
      } catch (e) {
        if (e instanceof DecodeError) return Effect.fail(e)
        throw e
      }
    }
    const runNow = now === undefined ? undefined : StatementNow.nowOf(engine)?.run
    if (runNow !== undefined) {
      const result = runNow(now!, direct.sql, params, plan.options)
      if (result instanceof StatementNow.Failed) return Effect.fail(result.error)
      if (result !== StatementNow.notNow) return complete(result)
    }
    return Effect.flatMap(engine.executeRaw(direct.sql, params, plan.options), complete)
  }
  // PostgreSQL after ids inserted explicitly: the general path moves the sequence first.
  if (plan.identity !== undefined && needsIdentitySync(engine, { sql: plan.sql, params, result: "rows", identity: plan.identity })) {
    return Effect.map(executeWith(engine, insertQuery(model).values([row] as never).returning(model)), (rows) => rows[0] as object)
  }
  return Effect.flatMap(engine.execute(plan.sql, params, plan.options), (rows) =>
    rows.length === 0
      // A trigger may drop the row (SQLite's RAISE(IGNORE)): there is no instance to give.
      ? Effect.fail(noRow(def))
      : decodeOne(decode, rows[0]!))
}

/**
 * A multi-row INSERT … RETURNING the model (a flush of many pending rows, `Query.insert(M)
 * .values([…]).returning(M)`) on SQLite, when every row sets every column: run without
 * RETURNING and decode each instance from its bound values, as `insertRow` does for one.
 * `undefined` when the general path is needed. Called by `execute.ts`.
 */
export const insertAllDirect = (
  engine: Engine.Engine,
  node: Ast.Insert,
  run: (steps: ReadonlyArray<Step>) => Effect.Effect<number, DatabaseError>
): Effect.Effect<ReadonlyArray<object>, DatabaseError | DecodeError | EncodeError> | undefined => {
  const dialect = engine.dialect
  const def = node.table
  if (
    dialect.name !== "sqlite" || node.rows.length < 2 || node.onConflict !== undefined || node.select !== undefined ||
    node.returning !== modelSelection(def, undefined) || !def.columns.every((c) => roundTrips.has(c.def.type._tag))
  ) return undefined
  const model = node.model
  let stored: Array<Record<string, unknown>>
  let steps: ReadonlyArray<Step>
  try {
    const rows = node.rows.map((row) => insertValues(model, def, row))
    for (const row of rows) for (const c of def.columns) if (row[c.key] === undefined) return undefined
    stored = rows.map((row) => {
      const out: Record<string, unknown> = {}
      for (const c of def.columns) out[c.name] = encodeValue(dialect, def, c, row[c.key])
      return out
    })
    for (const row of stored) if (!storedAsBound(Object.values(row))) return undefined
    steps = compileInsert(dialect, { ...node, rows, returning: undefined }, true)
  } catch (e) {
    if (e instanceof EncodeError) return Effect.fail(e)
    throw e
  }
  const decode = rowDecoder(dialect, model, def)
  return Effect.flatMap(run(steps), (changed) => {
    if (changed !== stored.length) return Effect.fail(noRow(def))
    try {
      return Effect.succeed(stored.map((row) => decode(row) as object))
    } catch (e) {
      if (e instanceof DecodeError) return Effect.fail(e)
      throw e
    }
  })
}
