/**
 * A model table as an `Inspect.Table`, for `Migration.createTable(Model)` and
 * `Migration.addColumn(table, name, column)`: the same names and spellings
 * `MetaData.createAll` uses (`src/internal/ddl.ts`). A stand-in until the reflection
 * module's `Inspect.fromMetaData` covers models (then it can replace `fromModel`).
 *
 * Callers: src/Migration.ts.
 */
import type * as Column from "../../Column.js"
import type { Dialect } from "../../Dialect.js"
import type * as Inspect from "../../Inspect.js"
import { checkSql, enumName, nameOf, renderNode } from "../ddl.js"
import type { ColumnInfo, TableDef } from "../tableDef.js"

const inspectType = (type: Column.ColumnType, dialect: Dialect): Inspect.ColumnType => {
  switch (type._tag) {
    case "json":
      return { _tag: "json" }
    case "custom":
      return { _tag: "custom", sqlType: dialect.ddl.columnType(type, "") }
    default:
      return type
  }
}

/** One column of a model, under `name` (the database column name). Throws `DefinitionError` for a server default that DDL cannot hold. */
export const columnOf = (dialect: Dialect, table: string, name: string, def: Column.Definition, autoIncrement: boolean, info?: ColumnInfo): Inspect.Column => {
  const type = inspectType(def.type, dialect)
  return {
    name,
    type: type._tag === "literal" && dialect.ddl.enumTypes ? { ...type, enumName: type.enumName ?? `${table}_${name}` } : type,
    nullable: def.nullable,
    default: def.serverDefault === undefined ? undefined : renderNode(dialect.ddl, def.serverDefault, info),
    autoIncrement
  }
}

/** A model's table. Throws `DefinitionError` (a references thunk that fails, a default DDL cannot hold). */
export const fromModel = (dialect: Dialect, def: TableDef): Inspect.Table => {
  const hooks = dialect.ddl
  const t = def.tableName
  const names = (keys: ReadonlyArray<string>) => keys.map((k) => def.byKey.get(k)!.name)
  const foreignKeys: Array<Inspect.ForeignKey> = []
  const checks: Array<Inspect.Check> = []
  for (const column of def.columns) {
    if (column.def.references !== undefined) {
      const ref = column.def.references()
      foreignKeys.push({
        name: nameOf(hooks, t, column.name, "fkey"),
        columns: [column.name],
        referencedTable: ref.table.def.tableName,
        referencedColumns: [ref.name],
        onDelete: column.def.onDelete ?? "noAction",
        onUpdate: column.def.onUpdate ?? "noAction"
      })
    }
    if (column.def.check !== undefined) checks.push({ name: nameOf(hooks, t, column.name, "check"), sql: checkSql(column.def.check, hooks) })
  }
  def.checks.forEach((check, i) => checks.push({ name: check.name ?? nameOf(hooks, t, `check${i + 1}`), sql: checkSql(check.expr, hooks) }))
  return {
    name: t,
    columns: def.columns.map((c) => {
      const column = columnOf(dialect, t, c.name, c.def, def.autoIncrement === c, c)
      return column.type._tag === "literal" && dialect.ddl.enumTypes
        ? { ...column, type: { ...column.type, enumName: enumName(def, c) } }
        : column
    }),
    primaryKey: def.primaryKey.length === 0 ? undefined : { name: nameOf(hooks, t, "pkey"), columns: names(def.primaryKey) },
    foreignKeys,
    indexes: def.indexes.map((ix) => {
      const cols = names(ix.keys)
      return { name: ix.name ?? nameOf(hooks, "ix", t, ...cols), columns: cols, unique: ix.unique }
    }),
    uniques: def.uniques.map((u) => {
      const cols = names(u.keys)
      return { name: u.name ?? nameOf(hooks, t, ...cols, "key"), columns: cols }
    }),
    checks
  }
}
