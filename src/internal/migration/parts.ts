/**
 * The pieces of migration DDL every dialect shares: column definitions, CREATE TABLE from
 * an `Inspect.Table`, constraint clauses and their default names. Spelling comes from the
 * dialect's `DdlHooks` (types, quoting, literals) and the naming rules of `src/internal/ddl.ts`,
 * so a table created by a migration matches one created by `MetaData.createAll`.
 *
 * Callers: src/dialect/migrate/*.ts, src/internal/migration/rebuild.ts.
 */
import { Schema } from "effect"
import type * as Column from "../../Column.js"
import type { Dialect } from "../../Dialect.js"
import type * as Inspect from "../../Inspect.js"
import { actions, nameOf } from "../ddl.js"
import type { Operation } from "./operations.js"

/** The model column type a reflected one stands for (the hooks spell model types). */
export const modelType = (type: Inspect.ColumnType): Column.ColumnType =>
  type._tag === "json"
    ? { _tag: "json", schema: Schema.Unknown }
    : type._tag === "custom"
    ? { _tag: "custom", schema: Schema.Unknown, sqlType: type.sqlType }
    : type

/** The PostgreSQL enum type a literal column uses (as `src/internal/ddl.ts` names it). */
export const enumNameOf = (table: string, column: Inspect.Column): string =>
  (column.type._tag === "literal" ? column.type.enumName : undefined) ?? `${table}_${column.name}`

export const typeSql = (dialect: Dialect, table: string, column: Inspect.Column): string =>
  dialect.ddl.columnType(modelType(column.type), enumNameOf(table, column))

const literalDefault = /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|'([^']|'')*'|NULL|TRUE|FALSE)$/i
const niladic = /^(CURRENT_TIMESTAMP|CURRENT_DATE|CURRENT_TIME)$/i

/** A constant: a number, a string, NULL, TRUE or FALSE (what SQLite's ADD COLUMN accepts as a default). */
export const isConstantDefault = (text: string): boolean => literalDefault.test(text.trim())

/** A literal or niladic keyword stands bare after DEFAULT on every database. */
const bareDefault = (text: string) => isConstantDefault(text) || niladic.test(text.trim())

/**
 * A server default's SQL after `DEFAULT`: an expression in parentheses, which SQLite
 * requires for anything but a literal (a reflected default has its parentheses stripped
 * by the normalizer) and PostgreSQL and MariaDB accept.
 */
export const defaultSql = (text: string): string => (bareDefault(text) ? text : `(${text})`)

/** `"name" TYPE [NOT NULL] [DEFAULT …] [identity]`. */
export const columnSql = (dialect: Dialect, table: string, column: Inspect.Column): string => {
  const hooks = dialect.ddl
  const auto = column.autoIncrement ? hooks.autoIncrement(modelType(column.type)) : undefined
  let line = `${hooks.quote(column.name)} ${auto?.type ?? typeSql(dialect, table, column)}`
  if (!column.nullable) line += " NOT NULL"
  if (column.default !== undefined) line += ` DEFAULT ${defaultSql(column.default)}`
  if (auto !== undefined && auto.clause !== "") line += ` ${auto.clause}`
  return line
}

export const pkName = (dialect: Dialect, table: string, pk: Inspect.PrimaryKey): string =>
  pk.name ?? nameOf(dialect.ddl, table, "pkey")
export const fkName = (dialect: Dialect, table: string, fk: Inspect.ForeignKey): string =>
  fk.name ?? nameOf(dialect.ddl, table, ...fk.columns, "fkey")
export const uniqueName = (dialect: Dialect, table: string, u: Inspect.Unique): string =>
  u.name ?? nameOf(dialect.ddl, table, ...u.columns, "key")
export const checkName = (dialect: Dialect, table: string, c: Inspect.Check, position: number): string =>
  c.name ?? nameOf(dialect.ddl, table, `check${position + 1}`)
/** The CHECK that stands for a literal column's values where there are no enum types. */
export const valuesCheckName = (dialect: Dialect, table: string, column: string): string =>
  nameOf(dialect.ddl, table, column, "values")

const list = (dialect: Dialect, columns: ReadonlyArray<string>) => columns.map(dialect.ddl.quote).join(", ")

/** `FOREIGN KEY (…) REFERENCES t (…) [ON DELETE …] [ON UPDATE …]` (NO ACTION, the default, is not written). */
export const foreignKeyClause = (dialect: Dialect, fk: Inspect.ForeignKey): string => {
  const q = dialect.ddl.quote
  let sql = `FOREIGN KEY (${list(dialect, fk.columns)}) REFERENCES ${q(fk.referencedTable)} (${list(dialect, fk.referencedColumns)})`
  if (fk.onDelete !== "noAction") sql += ` ON DELETE ${actions[fk.onDelete]}`
  if (fk.onUpdate !== "noAction") sql += ` ON UPDATE ${actions[fk.onUpdate]}`
  return sql
}

export const uniqueClause = (dialect: Dialect, u: Inspect.Unique): string => `UNIQUE (${list(dialect, u.columns)})`

export const checkClause = (c: Inspect.Check): string => `CHECK (${c.sql})`

/** The CHECK of a literal column's values, on dialects without enum types; `undefined` elsewhere. */
export const valuesCheck = (dialect: Dialect, table: string, column: Inspect.Column): string | undefined => {
  if (column.type._tag !== "literal" || dialect.ddl.enumTypes) return undefined
  const values = column.type.values.map((v) => dialect.ddl.literal({ _tag: "Literal", value: v })).join(", ")
  return `CONSTRAINT ${dialect.ddl.quote(valuesCheckName(dialect, table, column.name))} CHECK (${dialect.ddl.quote(column.name)} IN (${values}))`
}

/** CREATE TABLE for a table definition, under `as` (a rebuild's temporary name) or its own name. */
export const createTableSql = (dialect: Dialect, table: Inspect.Table, as: string = table.name): string => {
  const hooks = dialect.ddl
  const q = hooks.quote
  const lines: Array<string> = table.columns.map((c) => columnSql(dialect, table.name, c))
  if (table.primaryKey !== undefined && table.primaryKey.columns.length > 0) {
    lines.push(`CONSTRAINT ${q(pkName(dialect, table.name, table.primaryKey))} PRIMARY KEY (${list(dialect, table.primaryKey.columns)})`)
  }
  for (const u of table.uniques) lines.push(`CONSTRAINT ${q(uniqueName(dialect, table.name, u))} ${uniqueClause(dialect, u)}`)
  // A reflected (or `Inspect.fromMetaData`) table already lists a literal column's CHECK of its values.
  const listed = new Set(table.checks.map((c) => c.name))
  for (const c of table.columns) {
    const values = valuesCheck(dialect, table.name, c)
    if (values !== undefined && !listed.has(valuesCheckName(dialect, table.name, c.name))) lines.push(values)
  }
  table.checks.forEach((c, i) => lines.push(`CONSTRAINT ${q(checkName(dialect, table.name, c, i))} ${checkClause(c)}`))
  for (const fk of table.foreignKeys) lines.push(`CONSTRAINT ${q(fkName(dialect, table.name, fk))} ${foreignKeyClause(dialect, fk)}`)
  return `CREATE TABLE ${q(as)} (\n  ${lines.join(",\n  ")}\n)${hooks.tableSuffix}`
}

export const createIndexSql = (dialect: Dialect, table: string, index: Inspect.Index): string => {
  const q = dialect.ddl.quote
  return `CREATE ${index.unique ? "UNIQUE " : ""}INDEX ${q(index.name)} ON ${q(table)} (${list(dialect, index.columns)})`
}

/** The enum types a table's literal columns need (PostgreSQL), created if missing. */
export const enumsOf = (dialect: Dialect, table: Inspect.Table): ReadonlyArray<string> => {
  if (!dialect.ddl.enumTypes) return []
  const seen = new Set<string>()
  const statements: Array<string> = []
  for (const c of table.columns) {
    if (c.type._tag !== "literal") continue
    const name = enumNameOf(table.name, c)
    if (seen.has(name)) continue
    seen.add(name)
    statements.push(dialect.ddl.createEnum(name, c.type.values))
  }
  return statements
}

/** CreateTable: enum types, the table, its indexes. */
export const createTableStatements = (dialect: Dialect, table: Inspect.Table): ReadonlyArray<string> => [
  ...enumsOf(dialect, table),
  createTableSql(dialect, table),
  ...table.indexes.map((ix) => createIndexSql(dialect, table.name, ix))
]

/** The name of a CHECK added without one: the table and a hash of its expression, so two differ. */
export const addedCheckName = (dialect: Dialect, table: string, c: Inspect.Check): string => {
  if (c.name !== undefined) return c.name
  let hash = 0
  for (let i = 0; i < c.sql.length; i++) hash = (hash * 31 + c.sql.charCodeAt(i)) >>> 0
  return nameOf(dialect.ddl, table, "check", hash.toString(36))
}

/** `ALTER TABLE "t" ` */
export const alter = (dialect: Dialect, table: string): string => `ALTER TABLE ${dialect.ddl.quote(table)} `

/**
 * The statements every dialect spells alike (its own quoting and types); `undefined` for the
 * operations a dialect must spell itself.
 */
export const common = (dialect: Dialect, op: Operation): ReadonlyArray<string> | undefined => {
  const q = dialect.ddl.quote
  switch (op._tag) {
    case "CreateTable":
      return createTableStatements(dialect, op.table)
    case "DropTable":
      return [`DROP TABLE ${q(op.table)}`]
    case "RenameTable":
      return [`${alter(dialect, op.from)}RENAME TO ${q(op.to)}`]
    case "RenameColumn":
      return [`${alter(dialect, op.table)}RENAME COLUMN ${q(op.from)} TO ${q(op.to)}`]
    case "CreateIndex":
      return [createIndexSql(dialect, op.table, op.index)]
    case "AddForeignKey":
      return [`${alter(dialect, op.table)}ADD CONSTRAINT ${q(fkName(dialect, op.table, op.foreignKey))} ${foreignKeyClause(dialect, op.foreignKey)}`]
    case "AddUnique":
      return [`${alter(dialect, op.table)}ADD CONSTRAINT ${q(uniqueName(dialect, op.table, op.unique))} ${uniqueClause(dialect, op.unique)}`]
    case "AddCheck":
      return [`${alter(dialect, op.table)}ADD CONSTRAINT ${q(addedCheckName(dialect, op.table, op.check))} ${checkClause(op.check)}`]
    case "Execute":
      return [op.sql]
    default:
      return undefined
  }
}
