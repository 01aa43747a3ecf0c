/**
 * Row codecs: driver rows to model instances and model values to driver parameters,
 * column by column with the dialect's value hooks. Called by the query executor and,
 * later, the session. Errors name the table, the column and the value.
 */
import { BigDecimal, Either, Schema } from "effect"
import type { Dialect } from "../Dialect.js"
import { DecodeError, EncodeError } from "../Errors.js"
import type * as Table from "../Table.js"
import { compiledDecoder } from "./rowReader.js"
import { checkInteger, checkText, checkUnboundedString, refuse } from "./representable.js"
import type { ColumnInfo, TableDef } from "./tableDef.js"
import { describe, fromDriver, isSqlNull, type Purpose, schemaIssues, toDriver, ValueError, writeDecimal } from "./values.js"

/** Decodes one column value; throws `DecodeError`. */
export const decodeValue = (dialect: Dialect, table: TableDef, column: ColumnInfo, raw: unknown): unknown => {
  if (raw === null || raw === undefined) {
    if (column.def.nullable) return null
    throw new DecodeError({
      message: `${table.tableName}.${column.name}: NULL in a column that is not nullable`,
      table: table.tableName,
      column: column.name,
      value: "NULL"
    })
  }
  try {
    return fromDriver(column.def.type, raw, dialect.values)
  } catch (e) {
    if (!(e instanceof ValueError)) throw e
    throw new DecodeError({
      message: `${table.tableName}.${column.name}: cannot decode ${describe(raw)}: ${e.message}`,
      table: table.tableName,
      column: column.name,
      value: describe(raw)
    })
  }
}

/**
 * A decoder of driver rows (keyed by database column name, or by `prefix + name`) into
 * instances of `model`: one object per row, fields in the model's order. Compiled once per
 * model, dialect and prefix (`rowReader.ts`). Throws `DecodeError`.
 */
export const rowDecoder = <M extends Table.Any>(dialect: Dialect, model: M, table: TableDef, prefix = ""): (row: Readonly<Record<string, unknown>>) => InstanceType<M> =>
  compiledDecoder(dialect, model, table, prefix, decodeValue)

/**
 * An instance of `model` from values already decoded column by column. What the class
 * constructor ends with (Data.Class assigns the fields), without its defaults pass and
 * validation: this runs once per row read.
 */
export const instantiate = <M extends Table.Any>(model: M, values: Record<string, unknown>): InstanceType<M> =>
  Object.assign(Object.create(model.prototype), values)

/**
 * Encodes one value; throws `EncodeError`. `null` is SQL NULL, except in a JSON column
 * that is not nullable: there it is the JSON value `null`. `purpose` says whether the
 * value is written to the column (the default) or compared with it.
 */
export const encodeValue = (dialect: Dialect, table: TableDef, column: ColumnInfo, value: unknown, purpose: Purpose = "write"): unknown => {
  if (isSqlNull(column.def.type, column.def.nullable, value)) return null
  try {
    return toDriver(column.def.type, value, dialect.values, purpose)
  } catch (e) {
    if (!(e instanceof ValueError)) throw e
    throw encodeError(table, column, value, e.message)
  }
}

/**
 * `encodeValue` for writes to one column, specialized once by its type: the plain values of
 * the common types (integers, text, decimals, booleans) are checked and converted on the
 * spot, and anything else (null, a value to refuse, other types) goes through
 * `encodeValue`, which gives the same result or words the refusal. A generic call per
 * value dispatched on the column type and its shape; a row insert spent 0.4–0.5 µs in it.
 * Kept per column and dialect. Throws `EncodeError`.
 */
export const writeEncoder = (dialect: Dialect, table: TableDef, column: ColumnInfo): (value: unknown) => unknown => {
  let byDialect = writeEncoders.get(column)
  if (byDialect === undefined) writeEncoders.set(column, byDialect = new Map())
  let encode = byDialect.get(dialect)
  if (encode === undefined) byDialect.set(dialect, encode = makeWriteEncoder(dialect, table, column))
  return encode
}

const writeEncoders = new WeakMap<ColumnInfo, Map<Dialect, (value: unknown) => unknown>>()

const makeWriteEncoder = (dialect: Dialect, table: TableDef, column: ColumnInfo): (value: unknown) => unknown => {
  const general = (value: unknown) => encodeValue(dialect, table, column, value)
  const type = column.def.type
  const hooks = dialect.values
  // The type's own check on the spot; a value it refuses goes through `encodeValue` for its error.
  const checked = (check: (v: unknown) => unknown) => (v: unknown) => {
    if (v === null) return general(v)
    try {
      return check(v)
    } catch {
      return general(v)
    }
  }
  const text = (v: unknown) => (typeof v === "string" ? checkText(v, hooks) : refuse("expected text"))
  switch (type._tag) {
    case "integer":
      return checked((v) => checkInteger(v, hooks))
    case "string":
      return type.length === undefined ? checked((v) => checkUnboundedString(text(v), hooks)) : checked(text)
    case "text":
      return checked(text)
    case "boolean":
      return checked((v) => (typeof v !== "boolean" ? refuse("expected a boolean") : hooks.booleanAsInteger ? (v ? 1 : 0) : v))
    case "numeric":
      return checked((v) => writeDecimal(v, type.precision, type.scale))
    default:
      return general
  }
}

const encodeError = (table: TableDef, column: ColumnInfo, value: unknown, reason: string) => {
  const shown = describe(value)
  return new EncodeError({
    message: `${table.tableName}.${column.name}: cannot store ${shown}: ${reason}`,
    table: table.tableName,
    column: column.name,
    value: shown
  })
}

/**
 * Refuses values given for computed properties (never written): silently dropping them
 * would lose what the caller meant to store. Throws `EncodeError`.
 */
export const refuseComputed = (table: TableDef, input: unknown, what: string): void => {
  if (typeof input !== "object" || input === null) return
  for (const key of table.computed.keys()) {
    if (Object.hasOwn(input, key) && (input as Record<string, unknown>)[key] !== undefined) {
      throw new EncodeError({
        message: `${table.tableName}: invalid ${what}: "${key}" is a computed property of ${table.identifier}, worked out from its columns and never written`,
        table: table.tableName,
        column: undefined,
        value: describe((input as Record<string, unknown>)[key])
      })
    }
  }
}

/**
 * Validates one value with its column's Schema, then encodes it for writing: what an
 * UPDATE's SET gets (an INSERT validates its whole row with `insertValues` first).
 * Throws `EncodeError`.
 */
export const encodeAssigned = (dialect: Dialect, table: TableDef, column: ColumnInfo, value: unknown): unknown => {
  const validated = Schema.validateEither(column.schema)(value)
  if (Either.isLeft(validated)) {
    const reason = schemaIssues(validated.left).map((i) => i.message).join("; ")
    throw encodeError(table, column, value, reason)
  }
  return encodeValue(dialect, table, column, value)
}

/**
 * Validates an insert with the model's `insert` schema, fills client-side defaults,
 * and returns the values by field (fields left to the database are absent). Throws `EncodeError`.
 * `mark`: the result is kept to be written later (a session's pending insert), and is
 * marked so that writing it validates nothing again.
 */
export const insertValues = (model: Table.Any, table: TableDef, input: unknown, mark = false): Record<string, unknown> => {
  // A plain object (most inputs) is not one of the marked rows: no lookup of the table's mark.
  if (typeof input === "object" && input !== null) {
    const proto: unknown = Object.getPrototypeOf(input)
    if (proto !== Object.prototype && proto !== null && proto === validProtos.get(table)) return input as Record<string, unknown>
  }
  return validateInsert(model, table, input, mark)
}

/**
 * `insertValues` that validates even a row it made itself: what a `beforeInsert` hook
 * returns (it may be the row it was given, changed). Throws `EncodeError`.
 */
export const validateInsert = (model: Table.Any, table: TableDef, input: unknown, mark = false): Record<string, unknown> => {
  if (table.computed.size > 0) refuseComputed(table, input, "insert")
  const quick = quickInsert(table, input, mark)
  if (quick !== undefined) return quick
  const validated = Schema.validateEither(model.insert)(input)
  if (Either.isLeft(validated)) {
    const issues = schemaIssues(validated.left)
    const first = issues[0]?.path[0]
    const column = typeof first === "string" ? table.byKey.get(first)?.name : undefined
    const value = column !== undefined && typeof input === "object" && input !== null ? describe((input as Record<string, unknown>)[first as string]) : undefined
    throw new EncodeError({
      message: `${table.tableName}: invalid insert: ${
        issues.map((i) => `${i.path.length === 0 ? "row" : i.path.map(String).join(".")}: ${i.message}`).join("; ")
      }`,
      table: table.tableName,
      column,
      value
    })
  }
  const values: Record<string, unknown> = mark ? Object.assign(validRow(table), validated.right) : { ...(validated.right as Record<string, unknown>) }
  for (const column of table.columns) {
    if (values[column.key] === undefined && column.def.default !== undefined) values[column.key] = column.def.default()
  }
  return values
}

/**
 * The rows `insertValues` makes with `mark` are marked valid for their table by their prototype: an
 * empty object per table, below `Object.prototype`, so they read and spread as plain
 * objects. A pending insert is then not validated again when its flush compiles it, and
 * the mark costs nothing per row (a WeakMap of rows took 13% of a 10,000-row `addAll`,
 * with its garbage-collection work). A copy (`{ ...row, … }`) is a plain object again.
 */
const validProtos = new WeakMap<TableDef, object>()

const validProto = (table: TableDef): object => {
  let proto = validProtos.get(table)
  if (proto === undefined) validProtos.set(table, proto = Object.freeze(Object.create(Object.prototype) as object))
  return proto
}

const validRow = (table: TableDef): Record<string, unknown> => Object.create(validProto(table)) as Record<string, unknown>

/**
 * Per column, a check that accepts only values its Schema accepts (never more), for the
 * types whose Schema is a plain type test: what most inserts hold. Columns of other types
 * (dates, JSON, literals, custom) have none, and their rows go through the Schema.
 */
const quickCheck = (column: ColumnInfo): ((value: unknown) => boolean) | undefined => {
  const type = column.def.type
  switch (type._tag) {
    case "integer":
      return Number.isSafeInteger
    case "bigint":
      return (v) => typeof v === "bigint"
    case "float":
      return (v) => typeof v === "number"
    case "numeric":
      return BigDecimal.isBigDecimal
    case "string": {
      // UTF-16 units bound code points from above: a string within the length in units is within it.
      const length = type.length
      return length === undefined ? (v) => typeof v === "string" : (v) => typeof v === "string" && v.length <= length
    }
    case "text":
      return (v) => typeof v === "string"
    case "boolean":
      return (v) => typeof v === "boolean"
    default:
      return undefined
  }
}

interface QuickField {
  readonly column: ColumnInfo
  readonly check: (value: unknown) => boolean
  /** What the insert schema makes optional (`Table.insertSchema`). */
  readonly optional: boolean
}

const quickFields = new WeakMap<TableDef, ReadonlyArray<QuickField> | null>()

const quickFieldsOf = (table: TableDef): ReadonlyArray<QuickField> | null => {
  let fields = quickFields.get(table)
  if (fields === undefined) {
    const out: Array<QuickField> = []
    for (const column of table.columns) {
      const check = quickCheck(column)
      if (check === undefined) {
        out.length = 0
        break
      }
      const d = column.def
      out.push({ column, check, optional: d.nullable || d.default !== undefined || d.serverDefault !== undefined || d.autoIncrement })
    }
    fields = out.length === table.columns.length ? out : null
    quickFields.set(table, fields)
  }
  return fields
}

/**
 * The insert's values when every field passes its column's quick check (the same result
 * `insertValues` gets from the Schema); `undefined` sends the row through the Schema,
 * which also words the error.
 */
const quickInsert = (table: TableDef, input: unknown, mark: boolean): Record<string, unknown> | undefined => {
  const fields = quickFieldsOf(table)
  if (fields === null || typeof input !== "object" || input === null) return undefined
  const row = input as Record<string, unknown>
  const values: Record<string, unknown> = mark ? validRow(table) : {}
  for (const { check, column, optional } of fields) {
    const value = row[column.key]
    if (value === undefined) {
      if (!optional) return undefined
      continue
    }
    if (value === null ? !column.def.nullable : !check(value)) return undefined
    values[column.key] = value
  }
  // Client defaults only once the row is known valid: each is called once per insert.
  for (const { column } of fields) {
    if (values[column.key] === undefined && column.def.default !== undefined) values[column.key] = column.def.default()
  }
  return values
}
