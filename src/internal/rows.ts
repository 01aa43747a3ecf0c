/**
 * Row codecs: driver rows to model instances and model values to driver parameters,
 * column by column with the dialect's value hooks. Called by the query executor and,
 * later, the session. Errors name the table, the column and the value.
 */
import { Either, Schema } from "effect"
import type { Dialect } from "../Dialect.js"
import { DecodeError, EncodeError } from "../Errors.js"
import type * as Table from "../Table.js"
import type { ColumnInfo, TableDef } from "./tableDef.js"
import { describe, fromDriver, isSqlNull, type Purpose, schemaIssues, toDriver, ValueError } from "./values.js"

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
 * instances of `model`. Throws `DecodeError`.
 */
export const rowDecoder = <M extends Table.Any>(dialect: Dialect, model: M, table: TableDef, prefix = "") => {
  const columns = table.columns
  return (row: Readonly<Record<string, unknown>>): InstanceType<M> => {
    const values: Record<string, unknown> = {}
    for (const column of columns) {
      values[column.key] = decodeValue(dialect, table, column, row[prefix + column.name])
    }
    return instantiate(model, values)
  }
}

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
 */
export const insertValues = (model: Table.Any, table: TableDef, input: unknown): Record<string, unknown> => {
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
  const values: Record<string, unknown> = { ...(validated.right as Record<string, unknown>) }
  for (const column of table.columns) {
    if (values[column.key] === undefined && column.def.default !== undefined) values[column.key] = column.def.default()
  }
  return values
}
