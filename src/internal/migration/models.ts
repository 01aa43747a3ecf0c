/**
 * Models in migrations: a model table (`Migration.createTable(Model)`) or a model column
 * (`Migration.addColumn(table, name, column)`) as the `Inspect.Table` / operations to run,
 * converted with `Inspect.fromMetaData`'s rules (the same path, `fromTableDefs`), so that a
 * migration creates what `MetaData.createAll` would and what reflection then reads back.
 *
 * Callers: src/internal/migration/builders.ts.
 */
import { Either } from "effect"
import * as Column from "../../Column.js"
import * as Dialect from "../../Dialect.js"
import { DefinitionError, MigrationError } from "../../Errors.js"
import type * as Inspect from "../../Inspect.js"
import * as Table from "../../Table.js"
import type { DialectName } from "../../Url.js"
import * as Ddl from "../ddl.js"
import { fromTableDefs } from "../inspect/fromMetaData.js"
import * as TableDef from "../tableDef.js"
import type { Operation } from "./operations.js"
import { valuesCheckName } from "./parts.js"

export const definitionFailed = (e: unknown) =>
  new MigrationError({
    message: e instanceof DefinitionError ? e.message : `cannot read the model: ${String(e)}`,
    reason: "InvalidOperation",
    migration: undefined,
    cause: e
  })

/** A model's table and the tables its foreign keys reach (a set `Ddl.resolve` accepts). */
const closure = (def: TableDef.TableDef): ReadonlyArray<TableDef.TableDef> => {
  const seen = new Set<TableDef.TableDef>()
  const visit = (t: TableDef.TableDef) => {
    if (seen.has(t)) return
    seen.add(t)
    for (const c of t.columns) if (c.def.references !== undefined) visit(c.def.references().table.def)
  }
  visit(def)
  return [...seen]
}

/** A model as `Inspect.fromMetaData` reports it on a dialect (its table of the model and the tables its keys reach). */
export const modelTable = (model: Table.Any, dialect: DialectName): Either.Either<Inspect.Table, MigrationError> =>
  Either.try({
    try: () => {
      const def = Table.definition(model)
      return fromTableDefs(closure(def), dialect).tables.find((t) => t.name === def.tableName)!
    },
    catch: definitionFailed
  })

/**
 * The operations that add a model column to `table` under `name`: the column as
 * `Inspect.fromMetaData` reports it (in a one-column table of that name), then its
 * column-level constraints (unique, index, check, foreign key), which `MetaData.createAll`
 * would give it too.
 */
export const addedColumn = (table: string, name: string, column: Column.Any, dialect: DialectName): Either.Either<ReadonlyArray<Operation>, MigrationError> =>
  Either.try({
    try: () => {
      const def = Column.definition(column)
      if (def.name !== undefined && def.name !== name) {
        throw new DefinitionError({ message: `addColumn ${table}.${name}: the column is named "${def.name}" by its name option`, table, column: name })
      }
      // References are left out of the one-column table (its target need not be a model in reach); the key is added below.
      const bare: Column.Any = Object.assign(Object.create(column) as Column.Any, { [Column.TypeId]: { ...def, references: undefined } })
      const shape = fromTableDefs([TableDef.make(`addColumn ${table}.${name}`, table, { [name]: bare }, {})], dialect).tables[0]!
      const values = valuesCheckName(Dialect.byName(dialect), table, name)
      const ops: Array<Operation> = [{ _tag: "AddColumn", table, column: shape.columns[0]! }]
      for (const unique of shape.uniques) ops.push({ _tag: "AddUnique", table, unique })
      for (const index of shape.indexes) ops.push({ _tag: "CreateIndex", table, index })
      // A literal column's CHECK of its values comes with AddColumn itself.
      for (const check of shape.checks) if (check.name !== values) ops.push({ _tag: "AddCheck", table, check })
      if (def.references !== undefined) {
        const ref = def.references()
        if (ref === undefined || ref._tag !== "ColumnRef") throw new DefinitionError({ message: `addColumn ${table}.${name}: references must return a column reference such as () => User.c.id`, table, column: name })
        ops.push({
          _tag: "AddForeignKey",
          table,
          foreignKey: {
            name: Ddl.nameOf(Dialect.byName(dialect).ddl, table, name, "fkey"),
            columns: [name],
            referencedTable: ref.table.def.tableName,
            referencedColumns: [ref.name],
            onDelete: def.onDelete ?? "noAction",
            onUpdate: def.onUpdate ?? "noAction"
          }
        })
      }
      return ops
    },
    catch: definitionFailed
  })

export const isModel = (u: unknown): u is Table.Any => (typeof u === "function" || typeof u === "object") && u !== null && Table.TypeId in u
