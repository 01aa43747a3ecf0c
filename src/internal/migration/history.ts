/**
 * The migrator's history table, `retort_migrations` (id primary key, checksum, message,
 * applied_at as ISO-8601 UTC text, which sorts and compares the same on every database).
 *
 * Callers: src/Migrator.ts.
 */
import { Effect } from "effect"
import type * as Engine from "../../Engine.js"
import type { DatabaseError } from "../../Errors.js"
import { migrateHooks } from "../../dialect/migrate/index.js"
import { historyTable } from "./run.js"

export interface Row {
  readonly id: string
  readonly checksum: string
  readonly message: string
  readonly appliedAt: string
}

const q = (engine: Engine.Engine) => engine.dialect.ddl.quote
const p = (engine: Engine.Engine, i: number) => engine.dialect.compiler.placeholder(i)

export const ensure = (engine: Engine.Engine): Effect.Effect<void, DatabaseError> => {
  const hooks = engine.dialect.ddl
  const text = hooks.columnType({ _tag: "text" }, "")
  const varchar = (n: number) => hooks.columnType({ _tag: "string", length: n }, "")
  return Effect.asVoid(engine.execute(
    `CREATE TABLE IF NOT EXISTS ${q(engine)(historyTable)} (${q(engine)("id")} ${varchar(191)} NOT NULL PRIMARY KEY, ` +
      `${q(engine)("checksum")} ${varchar(64)} NOT NULL, ${q(engine)("message")} ${text} NOT NULL, ` +
      `${q(engine)("applied_at")} ${varchar(32)} NOT NULL)${hooks.tableSuffix}`
  ))
}

export const exists = (engine: Engine.Engine): Effect.Effect<boolean, DatabaseError> => {
  const { sql, params } = migrateHooks(engine.dialect.name).tableExists(historyTable)
  return Effect.map(engine.execute(sql, params), (rows) => rows.length > 0)
}

export const read = (engine: Engine.Engine): Effect.Effect<ReadonlyArray<Row>, DatabaseError> =>
  Effect.map(
    engine.execute(`SELECT ${["id", "checksum", "message", "applied_at"].map(q(engine)).join(", ")} FROM ${q(engine)(historyTable)} ORDER BY ${q(engine)("id")}`),
    (rows) => rows.map((r) => ({ id: String(r["id"]), checksum: String(r["checksum"]), message: String(r["message"]), appliedAt: String(r["applied_at"]) }))
  )

export const insert = (engine: Engine.Engine, row: Row): Effect.Effect<void, DatabaseError> =>
  Effect.asVoid(engine.execute(
    `INSERT INTO ${q(engine)(historyTable)} (${["id", "checksum", "message", "applied_at"].map(q(engine)).join(", ")}) VALUES (${[1, 2, 3, 4].map((i) => p(engine, i)).join(", ")})`,
    [row.id, row.checksum, row.message, row.appliedAt]
  ))

export const remove = (engine: Engine.Engine, id: string): Effect.Effect<void, DatabaseError> =>
  Effect.asVoid(engine.execute(`DELETE FROM ${q(engine)(historyTable)} WHERE ${q(engine)("id")} = ${p(engine, 1)}`, [id]))
