/**
 * Migrations: a migration is an id, a message and two Effects, `up` and `down`, built from
 * operations (`createTable`, `addColumn`, …) that compile to DDL with the dialect of the
 * engine in context and run inside the migrator's transaction. `Migration.sql` shows the DDL
 * of an operation without a database (for `--sql` previews).
 *
 * Checksums (`Migration.checksum`): a migration loaded from a file (`Migrator.fromFolder`) is
 * checksummed from the file's source; a record migration (`Migrator.fromRecord`) from a stable
 * rendering of the operations its `up` and `down` run, collected without running them. Either
 * way, editing an applied migration changes its checksum and the migrator refuses to run.
 * So that this holds, a migration does its database work through these builders (raw SQL with
 * `Migration.execute`), not through `Engine.execute`, which the checksum does not see.
 *
 * Callers: users' migration modules, `src/Migrator.ts`, `src/cli/`.
 *
 * @since 0.2.0
 */
import { createHash } from "node:crypto"
import { Effect, Either } from "effect"
import * as Column from "./Column.js"
import * as Dialect from "./Dialect.js"
import * as Engine from "./Engine.js"
import { type DatabaseError, DefinitionError, MigrationError } from "./Errors.js"
import type * as Inspect from "./Inspect.js"
import * as Ddl from "./internal/ddl.js"
import { fromTableDefs } from "./internal/inspect/fromMetaData.js"
import type { Operation } from "./internal/migration/operations.js"
import * as Run from "./internal/migration/run.js"
import { valuesCheckName } from "./internal/migration/parts.js"
import * as TableDef from "./internal/tableDef.js"
import * as Table from "./Table.js"
import type { DialectName } from "./Url.js"

export type {
  /**
   * One migration operation, as data (what the builders run, what `Migrator.diff` returns).
   *
   * @example
   * import type { Migration } from "retort"
   * const op: Migration.Operation = { _tag: "RenameTable", from: "people", to: "users" }
   *
   * @since 0.2.0
   * @category models
   */
  Operation
} from "./internal/migration/operations.js"

/**
 * What `up` and `down` are: Effects on the engine in context.
 *
 * @example
 * import { Migration } from "retort"
 * const up: Migration.Step = Migration.dropTable("legacy")
 *
 * @since 0.2.0
 * @category models
 */
export type Step = Effect.Effect<void, DatabaseError | MigrationError, Engine.Engine>

/**
 * A migration.
 *
 * @example
 * import { Migration } from "retort"
 * const m: Migration.Migration = Migration.make({
 *   id: "20261201_1200_drop_legacy", message: "drop legacy", up: Migration.dropTable("legacy"), down: Migration.execute("SELECT 1")
 * })
 *
 * @since 0.2.0
 * @category models
 */
export interface Migration {
  readonly _tag: "Migration"
  /** Sortable: migrations run in the order of their ids (`20261201_1200_add_users`). */
  readonly id: string
  readonly message: string
  readonly up: Step
  /** Fails with `MigrationError` "Irreversible" when the migration was made without one. */
  readonly down: Step
  /** The module's source, when it was loaded from a file: its checksum is computed from it. */
  readonly source: string | undefined
}

/**
 * Makes a migration. Leave `down` out for one that cannot be reverted (`Migrator.down`
 * then fails with "Irreversible" before running anything).
 *
 * @example
 * import { Column, Migration } from "retort"
 * export default Migration.make({
 *   id: "20261201_1200_add_users",
 *   message: "add users",
 *   up: Migration.addColumn("users", "nickname", Column.string({ length: 40, nullable: true })),
 *   down: Migration.dropColumn("users", "nickname")
 * })
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: {
  readonly id: string
  readonly message: string
  readonly up: Step
  readonly down?: Step | undefined
}): Migration => ({
  _tag: "Migration",
  id: options.id,
  message: options.message,
  up: options.up,
  down: options.down ??
    Effect.fail(new MigrationError({ message: `migration ${options.id} has no down: it cannot be reverted`, reason: "Irreversible", migration: options.id })),
  source: undefined
})

/**
 * Whether a value is a migration (what a migration module must export).
 *
 * @example
 * import { Migration } from "retort"
 * Migration.isMigration({}) // false
 *
 * @since 0.2.0
 * @category guards
 */
export const isMigration = (u: unknown): u is Migration =>
  typeof u === "object" && u !== null && (u as { _tag?: unknown })._tag === "Migration" &&
  typeof (u as { id?: unknown }).id === "string" && Effect.isEffect((u as { up?: unknown }).up) && Effect.isEffect((u as { down?: unknown }).down)

const stringFields = ["table", "from", "to", "name", "column", "value", "sql"] as const

/** Why an operation (possibly from untyped code) is not one, if it is not. */
const invalidOperation = (op: Operation): string | undefined => {
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
 * import { Migration } from "retort"
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

const definitionFailed = (e: unknown) =>
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
const modelTable = (model: Table.Any, dialect: DialectName): Either.Either<Inspect.Table, MigrationError> =>
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
const addedColumn = (table: string, name: string, column: Column.Any, dialect: DialectName): Either.Either<ReadonlyArray<Operation>, MigrationError> =>
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

const isModel = (u: unknown): u is Table.Any => (typeof u === "function" || typeof u === "object") && u !== null && Table.TypeId in u

/**
 * CREATE TABLE for a model (converted with `Inspect.fromMetaData`'s rules: the names and
 * types `MetaData.createAll` gives it) or a table definition, with its indexes (and, on
 * PostgreSQL, the enum types its literal columns need, if missing).
 *
 * @example
 * import { Column, Migration, Table } from "retort"
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
 * import { Migration } from "retort"
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
 * import { Migration } from "retort"
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
 * import { Column, Migration } from "retort"
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
 * import { Migration } from "retort"
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
 * import { Migration } from "retort"
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
 * import { Migration } from "retort"
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
 * import { Migration } from "retort"
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
 * import { Migration } from "retort"
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
 * import { Migration } from "retort"
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
 * import { Migration } from "retort"
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
 * import { Migration } from "retort"
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
 * import { Migration } from "retort"
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
 * import { Migration } from "retort"
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
 * import { Migration } from "retort"
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
 * import { Migration } from "retort"
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
 * import { Migration } from "retort"
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
 * import { Migration } from "retort"
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
 * import { Migration } from "retort"
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

/**
 * The DDL of an operation on a dialect, without a database. An operation that SQLite runs
 * as a table rebuild (or MariaDB as `MODIFY`) needs the live table: pass the current tables
 * (`Inspect.tables`); without them its preview is a comment saying so.
 *
 * @example
 * import { Migration } from "retort"
 * Migration.sql({ _tag: "RenameTable", from: "people", to: "users" }, "postgresql") // ['ALTER TABLE "people" RENAME TO "users"']
 *
 * @since 0.2.0
 * @category compiling
 */
export const sql = (
  operation: Operation,
  dialect: Dialect.Dialect | DialectName,
  tables?: ReadonlyArray<Inspect.Table>
): ReadonlyArray<string> => {
  const d = typeof dialect === "string" ? Dialect.byName(dialect) : dialect
  const invalid = invalidOperation(operation)
  if (invalid !== undefined) return [`-- cannot compile: ${invalid}`]
  const compiled = Run.compile(d, operation, tables)
  return Either.isRight(compiled) ? compiled.right : [`-- ${operation._tag}: ${compiled.left}`]
}

/** JSON with sorted keys and exact values: the same operations always render the same text. */
const stable = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return `${v}n`
    if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString("hex")}`
    if (typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date)) {
      return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "note").sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    }
    return v
  })

/**
 * A migration's checksum (SHA-256, hex): of its source when it was loaded from a file, else
 * of the operations its `up` and `down` run, collected without running them (the engine in
 * context gives the dialect models are converted with).
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine, Migration } from "retort"
 * const m = Migration.make({ id: "1", message: "x", up: Migration.dropTable("a"), down: Migration.dropTable("b") })
 * const sum = Migration.checksum(m).pipe(Effect.provide(Engine.layer("sqlite://")))
 *
 * @since 0.2.0
 * @category checksums
 */
export const checksum = (migration: Migration): Effect.Effect<string, DatabaseError | MigrationError, Engine.Engine> =>
  migration.source !== undefined
    ? Effect.succeed(createHash("sha256").update(migration.source).digest("hex"))
    : Effect.gen(function*() {
      const up = yield* Run.record(migration.up)
      // A migration without down checksums as such.
      const down = yield* Run.record(migration.down).pipe(
        Effect.catchIf((e): e is MigrationError => e._tag === "MigrationError" && e.reason === "Irreversible", () => Effect.succeed("irreversible"))
      )
      return createHash("sha256").update(stable({ up, down })).digest("hex")
    })
