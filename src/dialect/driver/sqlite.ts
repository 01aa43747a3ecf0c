/**
 * Opens SQLite through `@effect/sql-sqlite-node` (better-sqlite3). Called only by the
 * executor (`src/internal/executor.ts`), on the first statement.
 */
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as Statement from "@effect/sql/Statement"
import { Duration, Effect } from "effect"
import type { EngineOptions } from "../../Options.js"
import type { SqliteUrl } from "../../Url.js"

/** SQLite has one connection (one writer). */
export const singleConnection = true

export const compiler = Statement.makeCompilerSqlite()

export const open = (url: SqliteUrl, options: EngineOptions) =>
  Effect.gen(function*() {
    const client = yield* SqliteClient.make({
      filename: url.filename,
      readonly: url.readonly,
      disableWAL: url.memory || url.readonly
    })
    // Per-connection settings SQLite forgets on reopen: enforce foreign keys, and wait for locks as long as asked.
    const timeout = options.pool?.acquireTimeout
    yield* Effect.scoped(
      Effect.gen(function*() {
        const conn = yield* client.reserve
        yield* conn.executeUnprepared("PRAGMA foreign_keys = ON", [], undefined)
        // LIKE is case-sensitive on PostgreSQL; retort makes it so here too (ilike is the other one).
        yield* conn.executeUnprepared("PRAGMA case_sensitive_like = ON", [], undefined)
        if (timeout !== undefined) {
          yield* conn.executeUnprepared(`PRAGMA busy_timeout = ${Math.round(Duration.toMillis(timeout))}`, [], undefined)
        }
      })
    )
    return client
  })
