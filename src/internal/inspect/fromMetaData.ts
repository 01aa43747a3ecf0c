/**
 * Models in the shape reflection gives back after `MetaData.createAll` of them: the same
 * constraint and index names as src/internal/ddl.ts, the type text the dialect's DDL hooks
 * write read back through the dialect's reflector (so a type a database folds is folded
 * here the same way), and defaults and CHECKs normalized by the same functions.
 *
 * Callers: `Inspect.fromMetaData` (src/Inspect.ts), which autogenerate compares with reflection;
 * the migration builders (`Migration.createTable(Model)`, `Migration.addColumn(table, name, column)`),
 * through {@link fromTableDefs}, so that a migration creates what `fromMetaData` reports.
 */
import * as Dialect from "../../Dialect.js"
import { reflectors } from "../../dialect/reflect/index.js"
import type * as Inspect from "../../Inspect.js"
import type { DialectName } from "../../Url.js"
import * as Ddl from "../ddl.js"
import type { TableDef } from "../tableDef.js"
import { finishSchema, type Reflector } from "./shape.js"

const tableShape = (dialect: Dialect.Dialect, reflector: Reflector, plan: Ddl.Plan, table: TableDef): Inspect.Table => {
  const hooks = dialect.ddl
  const q = hooks.quote
  const nameOf = (key: string) => table.byKey.get(key)!.name
  const soleKey = table.primaryKey.length === 1 ? table.primaryKey[0] : undefined
  const columns: Array<Inspect.Column> = table.columns.map((column) => {
    const def = column.def
    const declared = table.autoIncrement === column
    const sqlType = declared ? hooks.autoIncrement(def.type).type : hooks.columnType(def.type, Ddl.enumName(table, column))
    const type: Inspect.ColumnType = def.type._tag === "literal" && reflector.enumTypes
      ? { _tag: "literal", values: def.type.values, enumName: Ddl.enumName(table, column) }
      : reflector.typeOf(sqlType)
    return {
      name: column.name,
      type,
      nullable: def.nullable,
      default: def.serverDefault === undefined ? undefined : reflector.normalizeDefault(Ddl.renderNode(hooks, def.serverDefault, column)),
      autoIncrement: reflector.autoIncrement({ sqlType, declared, soleKey: soleKey === column.key })
    }
  })
  const checks: Array<Inspect.Check> = []
  for (const column of table.columns) {
    const type = column.def.type
    if (type._tag === "literal" && !hooks.enumTypes) {
      const values = type.values.map((v) => hooks.literal({ _tag: "Literal", value: v })).join(", ")
      checks.push({
        name: Ddl.nameOf(hooks, table.tableName, column.name, "values"),
        sql: reflector.normalizeCheck(`${q(column.name)} IN (${values})`)
      })
    }
    if (column.def.check !== undefined) {
      checks.push({
        name: Ddl.nameOf(hooks, table.tableName, column.name, "check"),
        sql: reflector.normalizeCheck(Ddl.checkSql(column.def.check, hooks))
      })
    }
  }
  table.checks.forEach((check, i) => {
    checks.push({
      name: check.name ?? Ddl.nameOf(hooks, table.tableName, `check${i + 1}`),
      sql: reflector.normalizeCheck(Ddl.checkSql(check.expr, hooks))
    })
  })
  const uniques: Array<Inspect.Unique> = table.uniques.map((u) => {
    const cols = u.keys.map(nameOf)
    return { name: u.name ?? Ddl.nameOf(hooks, table.tableName, ...cols, "key"), columns: cols }
  })
  const indexes: Array<Inspect.Index> = []
  for (const index of table.indexes) {
    const cols = index.keys.map(nameOf)
    const name = index.name ?? Ddl.nameOf(hooks, "ix", table.tableName, ...cols)
    if (index.unique && reflector.uniqueIndexesAreConstraints) uniques.push({ name, columns: cols })
    else indexes.push({ name, columns: cols, unique: index.unique })
  }
  const foreignKeys: Array<Inspect.ForeignKey> = plan.foreignKeys.filter((fk) => fk.table === table).map((fk) => ({
    name: Ddl.foreignKeyName(hooks, fk),
    columns: [fk.column.name],
    referencedTable: fk.target.tableName,
    referencedColumns: [fk.targetColumn.name],
    onDelete: reflector.action(fk.onDelete ?? "noAction"),
    onUpdate: reflector.action(fk.onUpdate ?? "noAction")
  }))
  return {
    name: table.tableName,
    columns,
    primaryKey: table.primaryKey.length === 0
      ? undefined
      : { name: reflector.primaryKeyName(Ddl.nameOf(hooks, table.tableName, "pkey")), columns: table.primaryKey.map(nameOf) },
    foreignKeys,
    indexes,
    uniques,
    checks
  }
}

/** The enum types the literal columns need (PostgreSQL): the first column naming one gives its values. */
const enums = (plan: Ddl.Plan): Array<Inspect.Enum> => {
  const byName = new Map<string, ReadonlyArray<string>>()
  for (const table of plan.tables) {
    for (const column of table.columns) {
      const type = column.def.type
      if (type._tag === "literal" && !byName.has(Ddl.enumName(table, column))) byName.set(Ddl.enumName(table, column), type.values)
    }
  }
  return [...byName].map(([name, values]) => ({ name, values }))
}

/** Throws `DefinitionError` for an invalid set of tables, as `MetaData.ddl` does. */
export const fromPlan = (plan: Ddl.Plan, dialectName: DialectName, reflector: Reflector): Inspect.Schema => {
  const dialect = Dialect.byName(dialectName)
  return finishSchema({
    tables: plan.tables.map((t) => tableShape(dialect, reflector, plan, t)),
    enums: dialect.ddl.enumTypes ? enums(plan) : []
  }, reflector)
}

/** `Inspect.fromMetaData` of tables given by their definitions. Throws `DefinitionError` for an invalid set of tables. */
export const fromTableDefs = (tables: ReadonlyArray<TableDef>, dialectName: DialectName): Inspect.Schema =>
  fromPlan(Ddl.resolve(tables), dialectName, reflectors[dialectName])
