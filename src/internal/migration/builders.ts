/**
 * The operation builders of `Migration` (`createTable`, `addColumn`, …, `execute`, `run`):
 * each an Effect that compiles its operation with the dialect of the engine in context and
 * executes it (`src/internal/migration/run.ts`), or records it while a checksum is computed.
 * Re-exported, with their documentation, by src/Migration.ts, the module users import.
 *
 * Callers: src/Migration.ts.
 */
import { Effect } from "effect"
import * as Column from "../../Column.js"
import * as Engine from "../../Engine.js"
import { type DatabaseError, MigrationError } from "../../Errors.js"
import type * as Inspect from "../../Inspect.js"
import type { Step } from "../../Migration.js"
import type * as Table from "../../Table.js"
import { addedColumn, isModel, modelTable } from "./models.js"
import type { Operation } from "./operations.js"
import * as Run from "./run.js"

const stringFields = ["table", "from", "to", "name", "column", "value", "sql"] as const

/** Why an operation (possibly from untyped code) is not one, if it is not. */
export const invalidOperation = (op: Operation): string | undefined => {
  if (typeof op !== "object" || op === null || typeof op._tag !== "string") return "an operation must be an object with a _tag"
  for (const key of stringFields) {
    const value = (op as unknown as Record<string, unknown>)[key]
    if (value !== undefined && typeof value !== "object" && (typeof value !== "string" || value === "")) {
      return `${op._tag}: ${key} must be a non-empty string`
    }
  }
  return undefined
}

/**
 * Runs any operation on the engine in context: compiled with its dialect and executed
 * (inside the migrator's transaction, when the migrator runs it).
 *
 * @example
 * import { Migration } from "retort-orm"
 * const step = Migration.run({ _tag: "RenameColumn", table: "users", from: "name", to: "full_name" })
 *
 * @since 0.2.0
 * @category operations
 */
export const run = (operation: Operation): Step =>
  Effect.suspend(() => {
    const invalid = invalidOperation(operation)
    if (invalid !== undefined) return Effect.fail(new MigrationError({ message: invalid, reason: "InvalidOperation", migration: undefined }))
    return Effect.asVoid(Run.run(operation))
  })

/**
 * CREATE TABLE for a model (converted with `Inspect.fromMetaData`'s rules: the names and
 * types `MetaData.createAll` gives it) or a table definition, with its indexes (and, on
 * PostgreSQL, the enum types its literal columns need, if missing).
 *
 * @example
 * import { Column, Migration, Table } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }) }) {}
 * const up = Migration.createTable(Tag)
 *
 * @since 0.2.0
 * @category operations
 */
export const createTable = (def: Table.Any | Inspect.Table): Step =>
  Effect.gen(function*() {
    if (!isModel(def)) return yield* run({ _tag: "CreateTable", table: def })
    const engine = yield* Engine.Engine
    const table = yield* modelTable(def, engine.dialect.name)
    return yield* run({ _tag: "CreateTable", table })
  })

/**
 * DROP TABLE.
 *
 * @example
 * import { Migration } from "retort-orm"
 * const up = Migration.dropTable("legacy")
 *
 * @since 0.2.0
 * @category operations
 */
export const dropTable = (name: string): Step => run({ _tag: "DropTable", table: name })

/**
 * Renames a table.
 *
 * @example
 * import { Migration } from "retort-orm"
 * const up = Migration.renameTable("people", "users")
 *
 * @since 0.2.0
 * @category operations
 */
export const renameTable = (from: string, to: string): Step => run({ _tag: "RenameTable", from, to })

/**
 * Adds a column, given as a table definition's column or as a model column under a name
 * (a SQLite column that `ALTER TABLE ADD COLUMN` cannot add rebuilds the table). A model
 * column is converted as `Inspect.fromMetaData` converts it and brings its column-level
 * constraints (`unique`, `index`, `check`, `references`), each added after the column; a
 * `down` that drops the column drops the foreign key first on MariaDB (`dropForeignKey`).
 *
 * @example
 * import { Column, Migration } from "retort-orm"
 * const a = Migration.addColumn("users", { name: "age", type: { _tag: "integer" }, nullable: true, default: undefined, autoIncrement: false })
 * const b = Migration.addColumn("users", "nickname", Column.string({ length: 40, nullable: true }))
 *
 * @since 0.2.0
 * @category operations
 */
export const addColumn: {
  (table: string, column: Inspect.Column): Step
  (table: string, name: string, column: Column.Any): Step
} = (table: string, a: Inspect.Column | string, b?: Column.Any): Step =>
  typeof a !== "string"
    ? run({ _tag: "AddColumn", table, column: a })
    : Effect.gen(function*() {
      if (!Column.isColumn(b)) {
        return yield* new MigrationError({ message: `addColumn ${table}.${a}: the third argument must be a Column`, reason: "InvalidOperation", migration: undefined })
      }
      const engine = yield* Engine.Engine
      const ops = yield* addedColumn(table, a, b, engine.dialect.name)
      for (const op of ops) yield* run(op)
    })

/**
 * Drops a column (with the indexes and constraints on it; SQLite rebuilds the table).
 *
 * @example
 * import { Migration } from "retort-orm"
 * const up = Migration.dropColumn("users", "nickname")
 *
 * @since 0.2.0
 * @category operations
 */
export const dropColumn = (table: string, name: string): Step => run({ _tag: "DropColumn", table, column: name })

/**
 * Changes a column's type, nullability or server default (`default: null` drops it; a
 * default is SQL text, as reflection reports it). MariaDB reads the live column for
 * `MODIFY`; SQLite rebuilds the table.
 *
 * @example
 * import { Migration } from "retort-orm"
 * const up = Migration.alterColumn("users", "email", { type: { _tag: "string", length: 320 }, nullable: false })
 *
 * @since 0.2.0
 * @category operations
 */
export const alterColumn = (
  table: string,
  name: string,
  changes: { readonly type?: Inspect.ColumnType; readonly nullable?: boolean; readonly default?: string | null }
): Step =>
  run({
    _tag: "AlterColumn",
    table,
    column: name,
    ...(changes.type !== undefined ? { type: changes.type } : {}),
    ...(changes.nullable !== undefined ? { nullable: changes.nullable } : {}),
    ...(changes.default !== undefined ? { default: changes.default } : {})
  })

/**
 * Renames a column.
 *
 * @example
 * import { Migration } from "retort-orm"
 * const up = Migration.renameColumn("users", "name", "full_name")
 *
 * @since 0.2.0
 * @category operations
 */
export const renameColumn = (table: string, from: string, to: string): Step => run({ _tag: "RenameColumn", table, from, to })

/**
 * CREATE INDEX.
 *
 * @example
 * import { Migration } from "retort-orm"
 * const up = Migration.createIndex("users", { name: "ix_users_email", columns: ["email"], unique: false })
 *
 * @since 0.2.0
 * @category operations
 */
export const createIndex = (table: string, index: Inspect.Index): Step => run({ _tag: "CreateIndex", table, index })

/**
 * DROP INDEX.
 *
 * @example
 * import { Migration } from "retort-orm"
 * const up = Migration.dropIndex("users", "ix_users_email")
 *
 * @since 0.2.0
 * @category operations
 */
export const dropIndex = (table: string, name: string): Step => run({ _tag: "DropIndex", table, name })

/**
 * Adds a foreign key (SQLite rebuilds the table; rows that break it make the migration fail).
 *
 * @example
 * import { Migration } from "retort-orm"
 * const up = Migration.addForeignKey("posts", {
 *   name: "posts_author_id_fkey", columns: ["author_id"], referencedTable: "users", referencedColumns: ["id"],
 *   onDelete: "cascade", onUpdate: "noAction"
 * })
 *
 * @since 0.2.0
 * @category operations
 */
export const addForeignKey = (table: string, fk: Inspect.ForeignKey): Step => run({ _tag: "AddForeignKey", table, foreignKey: fk })

/**
 * Drops a foreign key by name (MariaDB also drops the index it made for it).
 *
 * @example
 * import { Migration } from "retort-orm"
 * const up = Migration.dropForeignKey("posts", "posts_author_id_fkey")
 *
 * @since 0.2.0
 * @category operations
 */
export const dropForeignKey = (table: string, name: string): Step => run({ _tag: "DropForeignKey", table, name })

/**
 * Adds a unique constraint.
 *
 * @example
 * import { Migration } from "retort-orm"
 * const up = Migration.addUnique("users", { name: "users_email_key", columns: ["email"] })
 *
 * @since 0.2.0
 * @category operations
 */
export const addUnique = (table: string, u: Inspect.Unique): Step => run({ _tag: "AddUnique", table, unique: u })

/**
 * Drops a unique constraint by name.
 *
 * @example
 * import { Migration } from "retort-orm"
 * const up = Migration.dropUnique("users", "users_email_key")
 *
 * @since 0.2.0
 * @category operations
 */
export const dropUnique = (table: string, name: string): Step => run({ _tag: "DropUnique", table, name })

/**
 * Adds a CHECK constraint (its expression is SQL text).
 *
 * @example
 * import { Migration } from "retort-orm"
 * const up = Migration.addCheck("users", { name: "users_age_check", sql: "age >= 0" })
 *
 * @since 0.2.0
 * @category operations
 */
export const addCheck = (table: string, c: Inspect.Check): Step => run({ _tag: "AddCheck", table, check: c })

/**
 * Drops a CHECK constraint by name.
 *
 * @example
 * import { Migration } from "retort-orm"
 * const up = Migration.dropCheck("users", "users_age_check")
 *
 * @since 0.2.0
 * @category operations
 */
export const dropCheck = (table: string, name: string): Step => run({ _tag: "DropCheck", table, name })

/**
 * Creates an enum type (PostgreSQL; elsewhere literal columns carry a CHECK and this does nothing).
 *
 * @example
 * import { Migration } from "retort-orm"
 * const up = Migration.createEnum({ name: "post_status", values: ["draft", "published"] })
 *
 * @since 0.2.0
 * @category operations
 */
export const createEnum = (e: Inspect.Enum): Step => run({ _tag: "CreateEnum", enum: e })

/**
 * Adds a value to an enum type (PostgreSQL `ALTER TYPE … ADD VALUE`, in the migration's
 * transaction on PostgreSQL 12 and later; the value is usable from the next migration on).
 *
 * @example
 * import { Migration } from "retort-orm"
 * const up = Migration.addEnumValue("post_status", "archived")
 *
 * @since 0.2.0
 * @category operations
 */
export const addEnumValue = (name: string, value: string): Step => run({ _tag: "AddEnumValue", name, value })

/**
 * Drops an enum type (PostgreSQL).
 *
 * @example
 * import { Migration } from "retort-orm"
 * const up = Migration.dropEnum("post_status")
 *
 * @since 0.2.0
 * @category operations
 */
export const dropEnum = (name: string): Step => run({ _tag: "DropEnum", name })

/**
 * Runs SQL with parameters (placeholders as the dialect writes them), returning its rows.
 *
 * @example
 * import { Migration } from "retort-orm"
 * const up = Migration.execute("UPDATE users SET active = ? WHERE active IS NULL", [true])
 *
 * @since 0.2.0
 * @category operations
 */
export const execute = (
  sql: string,
  params: ReadonlyArray<unknown> = []
): Effect.Effect<ReadonlyArray<Engine.Row>, DatabaseError | MigrationError, Engine.Engine> =>
  typeof sql !== "string" || sql === ""
    ? Effect.fail(new MigrationError({ message: "execute: sql must be a non-empty string", reason: "InvalidOperation", migration: undefined }))
    : Run.run({ _tag: "Execute", sql, params })
