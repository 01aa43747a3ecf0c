/**
 * An operation applied to a table definition, as data: what the table looks like after it
 * and where each of its columns' values come from. SQLite compiles what `ALTER TABLE`
 * cannot do into a table rebuild from it (Alembic's batch mode, the 12 steps of SQLite's
 * "Making Other Kinds Of Table Schema Changes"); MariaDB reads the current column from it
 * for `MODIFY`.
 *
 * Callers: src/dialect/migrate/sqlite.ts, src/dialect/migrate/mysql.ts.
 */
import { Either } from "effect"
import type { Dialect } from "../../Dialect.js"
import type * as Inspect from "../../Inspect.js"
import type { Operation } from "./operations.js"
import { addedCheckName, checkName, createIndexSql, createTableSql, fkName, uniqueName, valuesCheckName } from "./parts.js"

export interface Change {
  readonly table: Inspect.Table
  /** For each column of the new table, the column of the old one its values are copied from (none: its default). */
  readonly sources: ReadonlyMap<string, string>
}

/** Whether a SQL expression mentions a column (bare or quoted), to drop the CHECKs on a dropped column. */
const mentions = (sql: string, column: string) => {
  const escaped = column.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  return new RegExp(`(^|[^A-Za-z0-9_$])["\`\\[]?${escaped}["\`\\]]?($|[^A-Za-z0-9_$])`).test(sql)
}

const identity = (table: Inspect.Table) => new Map(table.columns.map((c) => [c.name, c.name] as const))

/** The table after `op`, or why `op` does not apply to it. */
export const applyTo = (dialect: Dialect, table: Inspect.Table, op: Operation): Either.Either<Change, string> => {
  const where = `table "${table.name}"`
  const column = (name: string) => table.columns.find((c) => c.name === name)
  const same = (next: Partial<Inspect.Table>): Either.Either<Change, string> =>
    Either.right({ table: { ...table, ...next }, sources: identity(table) })
  switch (op._tag) {
    case "AddColumn": {
      if (column(op.column.name) !== undefined) return Either.left(`${where} already has a column "${op.column.name}"`)
      return same({ columns: [...table.columns, op.column] })
    }
    case "DropColumn": {
      if (column(op.column) === undefined) return Either.left(`${where} has no column "${op.column}"`)
      if (table.primaryKey?.columns.includes(op.column)) {
        return Either.left(`column "${op.column}" is part of the primary key of ${where}: change the primary key first`)
      }
      const sources = identity(table)
      sources.delete(op.column)
      const keep = (cols: ReadonlyArray<string>) => !cols.includes(op.column)
      return Either.right({
        table: {
          ...table,
          columns: table.columns.filter((c) => c.name !== op.column),
          foreignKeys: table.foreignKeys.filter((fk) => keep(fk.columns)),
          indexes: table.indexes.filter((ix) => keep(ix.columns)),
          uniques: table.uniques.filter((u) => keep(u.columns)),
          checks: table.checks.filter((c) => !mentions(c.sql, op.column))
        },
        sources
      })
    }
    case "AlterColumn": {
      const current = column(op.column)
      if (current === undefined) return Either.left(`${where} has no column "${op.column}"`)
      const next: Inspect.Column = {
        ...current,
        ...(op.type !== undefined ? { type: op.type } : {}),
        ...(op.nullable !== undefined ? { nullable: op.nullable } : {}),
        ...(op.default !== undefined ? { default: op.default === null ? undefined : op.default } : {})
      }
      // A new type replaces a literal column's CHECK of its values (written again from the new type, if literal).
      const values = valuesCheckName(dialect, table.name, op.column)
      return same({
        columns: table.columns.map((c) => (c.name === op.column ? next : c)),
        checks: op.type === undefined ? table.checks : table.checks.filter((c) => c.name !== values)
      })
    }
    case "RenameColumn": {
      if (column(op.from) === undefined) return Either.left(`${where} has no column "${op.from}"`)
      if (column(op.to) !== undefined) return Either.left(`${where} already has a column "${op.to}"`)
      const rename = (cols: ReadonlyArray<string>) => cols.map((c) => (c === op.from ? op.to : c))
      const sources = new Map(table.columns.map((c) => [c.name === op.from ? op.to : c.name, c.name] as const))
      return Either.right({
        table: {
          ...table,
          columns: table.columns.map((c) => (c.name === op.from ? { ...c, name: op.to } : c)),
          primaryKey: table.primaryKey === undefined ? undefined : { ...table.primaryKey, columns: rename(table.primaryKey.columns) },
          foreignKeys: table.foreignKeys.map((fk) => ({ ...fk, columns: rename(fk.columns) })),
          indexes: table.indexes.map((ix) => ({ ...ix, columns: rename(ix.columns) })),
          uniques: table.uniques.map((u) => ({ ...u, columns: rename(u.columns) }))
        },
        sources
      })
    }
    case "AddForeignKey": {
      const name = fkName(dialect, table.name, op.foreignKey)
      if (table.foreignKeys.some((fk) => fkName(dialect, table.name, fk) === name)) return Either.left(`${where} already has a foreign key "${name}"`)
      return same({ foreignKeys: [...table.foreignKeys, { ...op.foreignKey, name }] })
    }
    case "DropForeignKey": {
      const rest = table.foreignKeys.filter((fk) => fkName(dialect, table.name, fk) !== op.name)
      if (rest.length === table.foreignKeys.length) return Either.left(`${where} has no foreign key "${op.name}"`)
      return same({ foreignKeys: rest })
    }
    case "AddUnique": {
      const name = uniqueName(dialect, table.name, op.unique)
      if (table.uniques.some((u) => uniqueName(dialect, table.name, u) === name)) return Either.left(`${where} already has a unique constraint "${name}"`)
      return same({ uniques: [...table.uniques, { ...op.unique, name }] })
    }
    case "DropUnique": {
      const rest = table.uniques.filter((u) => uniqueName(dialect, table.name, u) !== op.name)
      if (rest.length === table.uniques.length) return Either.left(`${where} has no unique constraint "${op.name}"`)
      return same({ uniques: rest })
    }
    case "AddCheck": {
      const name = addedCheckName(dialect, table.name, op.check)
      if (table.checks.some((c, i) => checkName(dialect, table.name, c, i) === name)) return Either.left(`${where} already has a check "${name}"`)
      return same({ checks: [...table.checks, { ...op.check, name }] })
    }
    case "DropCheck": {
      const rest = table.checks.filter((c, i) => checkName(dialect, table.name, c, i) !== op.name)
      if (rest.length === table.checks.length) return Either.left(`${where} has no check constraint "${op.name}"`)
      // Checks keep their names: an unnamed one after the dropped one must not be renumbered.
      const named = table.checks.map((c, i) => ({ ...c, name: checkName(dialect, table.name, c, i) })).filter((c) => c.name !== op.name)
      return same({ checks: named })
    }
    default:
      return Either.left(`${op._tag} does not change one table's definition`)
  }
}

/** The temporary name of a table being rebuilt. */
export const rebuildName = (table: string) => `_retort_new_${table}`

/**
 * The rebuild of `old` into `change.table`: CREATE the new table under a temporary name,
 * copy the rows, DROP the old, RENAME the new, re-create the indexes. Foreign-key
 * enforcement must be off around it (the migrator turns it off before its transaction,
 * and runs `PRAGMA foreign_key_check` before committing).
 */
export const rebuildStatements = (dialect: Dialect, old: Inspect.Table, change: Change): ReadonlyArray<string> => {
  const q = dialect.ddl.quote
  const temporary = rebuildName(old.name)
  const copied = change.table.columns.filter((c) => change.sources.has(c.name))
  const statements = [createTableSql(dialect, change.table, temporary)]
  if (copied.length > 0) {
    statements.push(
      `INSERT INTO ${q(temporary)} (${copied.map((c) => q(c.name)).join(", ")}) SELECT ${copied.map((c) => q(change.sources.get(c.name)!)).join(", ")} FROM ${q(old.name)}`
    )
  }
  statements.push(`DROP TABLE ${q(old.name)}`, `ALTER TABLE ${q(temporary)} RENAME TO ${q(old.name)}`)
  for (const index of change.table.indexes) statements.push(createIndexSql(dialect, old.name, index))
  return statements
}
