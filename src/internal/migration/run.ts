/**
 * Running one operation on the engine in context: compile it with the engine's dialect
 * (reading the live table first where the dialect needs it), check the dialect's
 * precondition, execute the statements. Also the recording mode that computes a record
 * migration's checksum: operations are collected instead of run.
 *
 * Callers: src/Migration.ts (builders, `Migration.sql`), src/Migrator.ts (checksums).
 */
import { Effect, Either, FiberRef } from "effect"
import type { Dialect } from "../../Dialect.js"
import * as Engine from "../../Engine.js"
import { type DatabaseError, MigrationError } from "../../Errors.js"
import * as Inspect from "../../Inspect.js"
import { migrateHooks } from "../../dialect/migrate/index.js"
import type { Operation } from "./operations.js"

/** The migrator's history table, left out of reflection. */
export const historyTable = "retort_migrations"

/** Operations collected instead of run, while a checksum is computed. */
export const recording = FiberRef.unsafeMake<Array<Operation> | undefined>(undefined)

/** The DDL of `op`, with the current tables where the dialect needs the live one. */
export const compile = (dialect: Dialect, op: Operation, tables: ReadonlyArray<Inspect.Table> | undefined): Either.Either<ReadonlyArray<string>, string> => {
  const hooks = migrateHooks(dialect.name)
  const needed = hooks.needsTable(op)
  const current = needed === undefined ? undefined : tables?.find((t) => t.name === needed)
  if (needed !== undefined && current === undefined && tables !== undefined) return Either.left(`table "${needed}" does not exist`)
  return hooks.compile(op, current)
}

const invalid = (message: string) => new MigrationError({ message, reason: "InvalidOperation", migration: undefined })

/** Runs `op` on the engine in context (the rows of the last statement, for `execute`). */
export const run = (op: Operation): Effect.Effect<ReadonlyArray<Engine.Row>, DatabaseError | MigrationError, Engine.Engine> =>
  Effect.gen(function*() {
    const recorded = yield* FiberRef.get(recording)
    if (recorded !== undefined) {
      recorded.push(op)
      return []
    }
    const engine = yield* Engine.Engine
    const hooks = migrateHooks(engine.dialect.name)
    const pre = hooks.precondition(op)
    if (pre !== undefined) {
      const refused = pre.refuse(yield* engine.execute(pre.sql))
      if (refused !== undefined) return yield* invalid(refused)
    }
    let tables: ReadonlyArray<Inspect.Table> | undefined
    if (hooks.needsTable(op) !== undefined) {
      // Read on the migration's own connection, inside its transaction: the table as the migration has left it so far.
      tables = (yield* Inspect.tablesWith({ exclude: [historyTable] })).tables
    }
    const statements = compile(engine.dialect, op, tables)
    if (Either.isLeft(statements)) return yield* invalid(`${op._tag}: ${statements.left}`)
    let rows: ReadonlyArray<Engine.Row> = []
    for (const sql of statements.right) rows = yield* engine.execute(sql, op._tag === "Execute" ? op.params : [])
    return rows
  })

/** The operations `effect` runs, collected without running them (what a record migration's checksum is computed from). */
export const record = <E, R>(effect: Effect.Effect<void, E, R>): Effect.Effect<ReadonlyArray<Operation>, E, R> =>
  Effect.suspend(() => {
    const collected: Array<Operation> = []
    return Effect.as(Effect.locally(effect, recording, collected), collected)
  })
