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
 * The operation builders live in `src/internal/migration/builders.ts` (model conversion in
 * `models.ts`), the checksum in `checksum.ts`; this module re-exports them and is the one
 * users import.
 *
 * Callers: users' migration modules, `src/Migrator.ts`, `src/cli/`.
 *
 * @module
 * @since 0.2.0
 */
import { Effect, Either } from "effect"
import * as Dialect from "./Dialect.js"
import type * as Engine from "./Engine.js"
import { type DatabaseError, MigrationError } from "./Errors.js"
import type * as Inspect from "./Inspect.js"
import { invalidOperation } from "./internal/migration/builders.js"
import type { Operation } from "./internal/migration/operations.js"
import * as Run from "./internal/migration/run.js"
import type { DialectName } from "./Url.js"

export {
  addCheck,
  addColumn,
  addEnumValue,
  addForeignKey,
  addUnique,
  alterColumn,
  createEnum,
  createIndex,
  createTable,
  dropCheck,
  dropColumn,
  dropEnum,
  dropForeignKey,
  dropIndex,
  dropTable,
  dropUnique,
  execute,
  renameColumn,
  renameTable,
  run
} from "./internal/migration/builders.js"
export { checksum } from "./internal/migration/checksum.js"
export { dropNotifyChanges, notifyChanges } from "./internal/migration/notify.js"

export type {
  /**
   * One migration operation, as data (what the builders run, what `Migrator.diff` returns).
   *
   * @example
   * import type { Migration } from "retort-orm"
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
 * import { Migration } from "retort-orm"
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
 * import { Migration } from "retort-orm"
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
 * import { Column, Migration } from "retort-orm"
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
 * import { Migration } from "retort-orm"
 * Migration.isMigration({}) // false
 *
 * @since 0.2.0
 * @category guards
 */
export const isMigration = (u: unknown): u is Migration =>
  typeof u === "object" && u !== null && (u as { _tag?: unknown })._tag === "Migration" &&
  typeof (u as { id?: unknown }).id === "string" && Effect.isEffect((u as { up?: unknown }).up) && Effect.isEffect((u as { down?: unknown }).down)

/**
 * The DDL of an operation on a dialect, without a database. An operation that SQLite runs
 * as a table rebuild (or MariaDB as `MODIFY`) needs the live table: pass the current tables
 * (`Inspect.tables`); without them its preview is a comment saying so.
 *
 * @example
 * import { Migration } from "retort-orm"
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
