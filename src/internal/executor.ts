/**
 * The execution module: the one place that builds `@effect/sql` clients, so that a later
 * port to Effect 4 (`effect/sql`) is a contained change. Called only by `src/Engine.ts`.
 *
 * It builds retort's own `SqlClient` with `@effect/sql`'s `SqlClient.make`, over an
 * acquirer that opens the dialect's driver on first use (laziness: building the layer
 * opens nothing), and that wraps each connection to echo statements when asked.
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import type { Compiler } from "@effect/sql/Statement"
import { Effect, ExecutionStrategy, Exit, Scope, Stream } from "effect"
import type { EngineOptions } from "../Options.js"
import type { DatabaseUrl } from "../Url.js"
import { markConnectPhase } from "./classify.js"

interface Driver {
  readonly compiler: Compiler
  readonly open: Effect.Effect<SqlClient.SqlClient, SqlError, Scope.Scope | Reactivity.Reactivity>
}

/** Loads only the driver the URL needs: a PostgreSQL program never loads better-sqlite3. */
const loadDriver = (url: DatabaseUrl, options: EngineOptions): Effect.Effect<Driver> => {
  switch (url.dialect) {
    case "sqlite":
      return Effect.promise(() => import("../dialect/driver/sqlite.js")).pipe(
        Effect.map((m) => ({ compiler: m.compiler, open: m.open(url, options) }))
      )
    case "postgresql":
      return Effect.promise(() => import("../dialect/driver/postgres.js")).pipe(
        Effect.map((m) => ({ compiler: m.compiler, open: m.open(url, options) }))
      )
    case "mysql":
      return Effect.promise(() => import("../dialect/driver/mysql.js")).pipe(
        Effect.map((m) => ({ compiler: m.compiler, open: m.open(url, options) }))
      )
  }
}

const echoEntry = (sql: string, params: ReadonlyArray<unknown>) =>
  Effect.annotateLogs(Effect.logInfo(sql), "params", params)

/** One Info entry per statement, written before the statement runs, so a failing statement is logged too. */
const echoing = (conn: Connection): Connection => ({
  execute: (sql, params, transform) => Effect.zipRight(echoEntry(sql, params), conn.execute(sql, params, transform)),
  executeRaw: (sql, params) => Effect.zipRight(echoEntry(sql, params), conn.executeRaw(sql, params)),
  executeValues: (sql, params) => Effect.zipRight(echoEntry(sql, params), conn.executeValues(sql, params)),
  executeUnprepared: (sql, params, transform) =>
    Effect.zipRight(echoEntry(sql, params), conn.executeUnprepared(sql, params, transform)),
  executeStream: (sql, params, transform) =>
    Stream.unwrap(Effect.as(echoEntry(sql, params), conn.executeStream(sql, params, transform)))
})

const spanAttributes = (url: DatabaseUrl): ReadonlyArray<readonly [string, unknown]> =>
  url.dialect === "sqlite"
    ? [["db.system.name", "sqlite"], ["db.namespace", url.filename]]
    : [
      ["db.system.name", url.dialect],
      ["server.address", url.host],
      ["server.port", url.port],
      ["db.namespace", url.database ?? ""]
    ]

/**
 * Builds the engine's `SqlClient`. Requires a scope: the driver, once opened, lives in
 * a child of it and is closed with it.
 */
export const make = (
  url: DatabaseUrl,
  options: EngineOptions
): Effect.Effect<SqlClient.SqlClient, never, Scope.Scope> =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const reactivity = yield* Reactivity.make
    const driver = yield* loadDriver(url, options)
    const lock = yield* Effect.makeSemaphore(1)

    // The opened driver. Read without the lock on the hot path; written once, under it.
    let opened: SqlClient.SqlClient | undefined
    const open = lock.withPermits(1)(
      Effect.suspend(() => {
        if (opened !== undefined) return Effect.succeed(opened)
        return Effect.flatMap(Scope.fork(scope, ExecutionStrategy.sequential), (child) =>
          driver.open.pipe(
            Effect.catchAllDefect((defect) =>
              Effect.fail(new SqlError({ cause: defect, message: "Failed to open a connection" }))
            ),
            Effect.mapError(markConnectPhase),
            Scope.extend(child),
            Effect.provideService(Reactivity.Reactivity, reactivity),
            // A failed or interrupted open leaves nothing behind; the next statement tries again.
            Effect.onExit((exit) => (Exit.isFailure(exit) ? Scope.close(child, exit) : Effect.void)),
            Effect.tap((client) =>
              Effect.sync(() => {
                opened = client
              })
            )
          ))
      })
    )
    const driverClient = Effect.suspend(() => (opened !== undefined ? Effect.succeed(opened) : open))
    const reserve = Effect.flatMap(driverClient, (client) => client.reserve)
    const acquirer = options.echo === true ? Effect.map(reserve, echoing) : reserve

    return yield* SqlClient.make({
      acquirer,
      transactionAcquirer: acquirer,
      compiler: driver.compiler,
      spanAttributes: spanAttributes(url)
    }).pipe(Effect.provideService(Reactivity.Reactivity, reactivity))
  })
