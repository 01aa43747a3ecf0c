/**
 * A table's metadata, built and checked once when a model class is defined
 * (`Table.Class`). Everything downstream (DDL, row codecs, queries, the session) reads
 * this, never the column options directly.
 */
import type { Expr } from "../Expr.js"
import type { Node } from "./ast/nodes.js"
import type { ExprLike } from "./expr.js"
import * as Column from "../Column.js"
import { DefinitionError } from "../Errors.js"

export interface ColumnInfo {
  /** The model field. */
  readonly key: string
  /** The database column. */
  readonly name: string
  readonly def: Column.Definition
  /** The column's Schema: what a value written to it must satisfy. */
  readonly schema: Column.Any
}

export interface UniqueInfo {
  readonly name: string | undefined
  readonly keys: ReadonlyArray<string>
}

export interface IndexInfo {
  readonly name: string | undefined
  readonly keys: ReadonlyArray<string>
  readonly unique: boolean
}

export interface CheckInfo {
  readonly name: string | undefined
  readonly expr: Node
}

/** A computed property (`Computed.make`): never a column, never written. */
export interface ComputedInfo {
  readonly key: string
  /** Its expression over the table's columns, named by `key`: what `Model.c[key]` is. */
  readonly expr: ExprLike
  /** Its value on an instance, from the instance's loaded fields. */
  readonly read: (row: object) => unknown
}

export interface TableDef {
  readonly identifier: string
  readonly tableName: string
  readonly columns: ReadonlyArray<ColumnInfo>
  readonly byKey: ReadonlyMap<string, ColumnInfo>
  /** Field names of the primary key, in order. */
  readonly primaryKey: ReadonlyArray<string>
  /** The autoincremented column, if any. */
  readonly autoIncrement: ColumnInfo | undefined
  readonly uniques: ReadonlyArray<UniqueInfo>
  readonly indexes: ReadonlyArray<IndexInfo>
  readonly checks: ReadonlyArray<CheckInfo>
  readonly versionColumn: string | undefined
  /** Computed properties by field name; filled by `Table.Class` right after this is made. */
  readonly computed: ReadonlyMap<string, ComputedInfo>
}

/**
 * Table options, as written by users (field names).
 */
export interface TableOptions<Key extends string = string> {
  readonly primaryKey?: ReadonlyArray<Key>
  readonly uniques?: ReadonlyArray<ReadonlyArray<Key> | { readonly columns: ReadonlyArray<Key>; readonly name?: string }>
  readonly indexes?: ReadonlyArray<
    ReadonlyArray<Key> | { readonly columns: ReadonlyArray<Key>; readonly name?: string; readonly unique?: boolean }
  >
  readonly checks?: ReadonlyArray<Expr<any> | { readonly expr: Expr<any>; readonly name?: string }>
  readonly versionColumn?: Key
}

const integerTypes = new Set(["integer", "bigint"])

const isCount = (n: unknown, min: number): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= min

/**
 * What makes a name unusable as an identifier, if anything: a driver sends SQL as UTF-8,
 * which has no lone surrogates (they would become U+FFFD), and PostgreSQL refuses U+0000.
 */
const badName = (name: string): string | undefined =>
  !(name as string & { isWellFormed(): boolean }).isWellFormed()
    ? "has a lone UTF-16 surrogate"
    : name.includes("\u0000")
    ? "contains U+0000"
    : undefined

/** What makes a column type impossible on every database, if anything. */
const typeProblem = (type: Column.ColumnType): string | undefined => {
  switch (type._tag) {
    case "numeric":
      // 1000 is PostgreSQL's limit; MariaDB stops at 65 digits and refuses more when the table is created.
      if (!isCount(type.precision, 1) || type.precision > 1000) return `numeric precision must be a whole number from 1 to 1000, not ${String(type.precision)}`
      if (!isCount(type.scale, 0) || type.scale > type.precision) return `numeric scale must be a whole number from 0 to the precision (${type.precision}), not ${String(type.scale)}`
      return undefined
    case "string":
      return type.length === undefined || isCount(type.length, 1) ? undefined : `string length must be a whole number of at least 1, not ${String(type.length)}`
    case "literal":
      if (type.values.length === 0) return "a literal column needs at least one value"
      if (type.values.some((v) => typeof v !== "string" || v === "" || !(v as string & { isWellFormed(): boolean }).isWellFormed())) {
        return "literal values must be non-empty, well-formed strings"
      }
      return new Set(type.values).size === type.values.length ? undefined : "literal values must be distinct"
    default:
      return undefined
  }
}

export const make = (
  identifier: string,
  tableName: string,
  fields: Readonly<Record<string, unknown>>,
  options: TableOptions
): TableDef => {
  const fail = (message: string, column?: string): never => {
    throw new DefinitionError({ message: `Table "${tableName}" (${identifier}): ${message}`, table: tableName, column })
  }
  if (tableName.trim() === "") fail("the table name is empty")
  const nameProblem = badName(tableName)
  if (nameProblem !== undefined) fail(`the table name ${nameProblem}`)
  const columns: Array<ColumnInfo> = []
  const byKey = new Map<string, ColumnInfo>()
  const byName = new Map<string, string>()
  for (const [key, field] of Object.entries(fields)) {
    if (!Column.isColumn(field)) fail(`field "${key}" is not a column (use Column.integer(), Column.string(), …)`, key)
    const def = Column.definition(field as Column.Any)
    const name = def.name ?? key
    const other = byName.get(name)
    if (other !== undefined) fail(`fields "${other}" and "${key}" are both mapped to the column "${name}"`, key)
    byName.set(name, key)
    if (name.trim() === "") fail(`field "${key}" has an empty column name`, key)
    const columnNameProblem = badName(name)
    if (columnNameProblem !== undefined) fail(`the column name of field "${key}" ${columnNameProblem}`, key)
    const problem = typeProblem(def.type)
    if (problem !== undefined) fail(`column "${name}": ${problem}`, key)
    const info: ColumnInfo = { key, name, def, schema: field as Column.Any }
    columns.push(info)
    byKey.set(key, info)
  }
  if (columns.length === 0) fail("a table needs at least one column")

  const known = (keys: ReadonlyArray<string>, what: string) => {
    if (keys.length === 0) fail(`${what} lists no columns`)
    for (const key of keys) if (!byKey.has(key)) fail(`${what} names "${key}", which is not a field of the model`, key)
    return keys
  }

  const columnKeys = columns.filter((c) => c.def.primaryKey).map((c) => c.key)
  if (options.primaryKey !== undefined && columnKeys.length > 0) {
    fail(`the primary key is given twice: by the table option and by the columns ${columnKeys.join(", ")}`)
  }
  const primaryKey = options.primaryKey !== undefined ? known(options.primaryKey, "the primary key") : columnKeys
  for (const key of primaryKey) {
    if (byKey.get(key)!.def.nullable) fail(`primary key column "${key}" cannot be nullable`, key)
  }

  const autos = columns.filter((c) => c.def.autoIncrement)
  for (const auto of autos) {
    if (!integerTypes.has(auto.def.type._tag)) fail(`only an integer column can autoincrement, not "${auto.key}"`, auto.key)
  }
  if (autos.length > 1 || (autos.length === 1 && primaryKey.length > 1)) {
    fail(
      `several integer primary key columns autoincrement (${autos.map((c) => c.key).join(", ")}); ` +
        `declare a composite key with the table option primaryKey, or set autoIncrement: false`
    )
  }
  if (autos.length === 1 && !primaryKey.includes(autos[0]!.key)) {
    fail(`autoincrement column "${autos[0]!.key}" must be the primary key`, autos[0]!.key)
  }

  const uniques: Array<UniqueInfo> = columns
    .filter((c) => c.def.unique)
    .map((c) => ({ name: undefined, keys: [c.key] }))
  for (const u of options.uniques ?? []) {
    const spec = Array.isArray(u) ? { columns: u as ReadonlyArray<string>, name: undefined } : u as { columns: ReadonlyArray<string>; name?: string }
    uniques.push({ name: spec.name, keys: known(spec.columns, "a unique constraint") })
  }

  const indexes: Array<IndexInfo> = columns
    .filter((c) => c.def.index)
    .map((c) => ({ name: undefined, keys: [c.key], unique: false }))
  for (const i of options.indexes ?? []) {
    const spec = Array.isArray(i)
      ? { columns: i as ReadonlyArray<string>, name: undefined, unique: false }
      : i as { columns: ReadonlyArray<string>; name?: string; unique?: boolean }
    indexes.push({ name: spec.name, keys: known(spec.columns, "an index"), unique: spec.unique === true })
  }

  const checks: Array<CheckInfo> = (options.checks ?? []).map((c) =>
    "expr" in c ? { name: c.name, expr: c.expr.node } : { name: undefined, expr: (c as Expr<any>).node }
  )

  if (options.versionColumn !== undefined) {
    const version = byKey.get(options.versionColumn)
    if (version === undefined) fail(`versionColumn "${options.versionColumn}" is not a field of the model`)
    if (!integerTypes.has(version!.def.type._tag)) fail(`versionColumn "${options.versionColumn}" must be an integer column`)
  }

  return {
    identifier,
    tableName,
    columns,
    byKey,
    primaryKey,
    autoIncrement: autos[0],
    uniques,
    indexes,
    checks,
    versionColumn: options.versionColumn,
    computed: new Map()
  }
}

/** True when `keys` are, as a set, the primary key or a unique constraint of `table`: a valid foreign key target. */
export const isUniqueKey = (table: TableDef, keys: ReadonlyArray<string>): boolean => {
  const same = (other: ReadonlyArray<string>) => other.length === keys.length && other.every((k) => keys.includes(k))
  return same(table.primaryKey) || table.uniques.some((u) => same(u.keys)) ||
    table.indexes.some((i) => i.unique && same(i.keys))
}
