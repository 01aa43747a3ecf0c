/**
 * Migration operations for live queries across processes (PostgreSQL): a statement-level
 * trigger that NOTIFYs retort's change channel with the table's name after every write.
 * PostgreSQL delivers a notification at COMMIT only, never for a rolled-back transaction.
 * Re-exported by `src/Migration.ts`; an engine with `listen: true` receives them
 * (`src/internal/execution/postgres.ts`).
 */
import { Effect } from "effect"
import * as Engine from "../../Engine.js"
import { MigrationError } from "../../Errors.js"
import type { Step } from "../../Migration.js"
import { changesChannel } from "../execution/Executor.js"
import { execute } from "./builders.js"

const functionName = "retort_notify_change"

const postgresOnly = (what: string, table: string): Step =>
  Effect.flatMap(Engine.Engine, (engine) =>
    engine.dialect.name === "postgresql"
      ? Effect.void
      : Effect.fail(new MigrationError({ message: `${what}(${JSON.stringify(table)}): LISTEN / NOTIFY is PostgreSQL's`, reason: "InvalidOperation", migration: undefined })))

const checked = (what: string, table: string): Step | undefined =>
  typeof table === "string" && table.length > 0
    ? undefined
    : Effect.fail(new MigrationError({ message: `${what}: the table must be a non-empty string`, reason: "InvalidOperation", migration: undefined }))

/**
 * Makes `table` announce its commits to engines with `listen: true` in any process (a
 * trigger after INSERT, UPDATE, DELETE and TRUNCATE, once per statement). PostgreSQL only.
 *
 * @example
 * import { Migration } from "retort-orm"
 * export default Migration.make({
 *   id: "20261202_0800_notify_tasks",
 *   message: "live queries on tasks across processes",
 *   up: Migration.notifyChanges("tasks"),
 *   down: Migration.dropNotifyChanges("tasks")
 * })
 *
 * @since 0.4.0
 * @category operations
 */
export const notifyChanges = (table: string): Step =>
  checked("notifyChanges", table) ?? Effect.gen(function*() {
    yield* postgresOnly("notifyChanges", table)
    const engine = yield* Engine.Engine
    const quote = engine.dialect.ddl.quote
    // Fixed text: the channel is retort's constant, the payload the trigger's own table name.
    yield* execute(
      `CREATE OR REPLACE FUNCTION ${functionName}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('${changesChannel}', TG_TABLE_NAME); RETURN NULL; END $$`
    )
    yield* execute(`DROP TRIGGER IF EXISTS ${quote(`retort_notify_${table}`)} ON ${quote(table)}`)
    yield* execute(
      `CREATE TRIGGER ${quote(`retort_notify_${table}`)} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION ${functionName}()`
    )
  })

/**
 * Undoes {@link notifyChanges}: drops the table's trigger (the shared function stays).
 *
 * @example
 * import { Migration } from "retort-orm"
 * const down = Migration.dropNotifyChanges("tasks")
 *
 * @since 0.4.0
 * @category operations
 */
export const dropNotifyChanges = (table: string): Step =>
  checked("dropNotifyChanges", table) ?? Effect.zipRight(
    postgresOnly("dropNotifyChanges", table),
    Effect.flatMap(Engine.Engine, (engine) =>
      Effect.asVoid(execute(`DROP TRIGGER IF EXISTS ${engine.dialect.ddl.quote(`retort_notify_${table}`)} ON ${engine.dialect.ddl.quote(table)}`)))
  )
