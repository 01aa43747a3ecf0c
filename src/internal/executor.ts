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
import { Duration, Effect, ExecutionStrategy, Exit, Scope, Stream } from "effect"
import type { EngineOptions } from "../Options.js"
import type { DatabaseUrl } from "../Url.js"
import { markConnectPhase } from "./classify.js"

/** As node-postgres and mysql2 default. */
const defaultPoolSize = 10
/** As SQLAlchemy's `pool_timeout`. */
const defaultAcquireTimeout = Duration.seconds(30)

interface Driver {
  readonly compiler: Compiler
  /** The database has one connection (SQLite): it is reserved once, and retort's permit guards it. */
  readonly singleConnection: boolean
  readonly open: Effect.Effect<SqlClient.SqlClient, SqlError, Scope.Scope | Reactivity.Reactivity>
}

/** Loads only the driver the URL needs: a PostgreSQL program never loads better-sqlite3. */
const loadDriver = (url: DatabaseUrl, options: EngineOptions): Effect.Effect<Driver> => {
  switch (url.dialect) {
    case "sqlite":
      return Effect.promise(() => import("../dialect/driver/sqlite.js")).pipe(
        Effect.map((m) => ({ compiler: m.compiler, open: m.open(url, options), singleConnection: m.singleConnection }))
      )
    case "postgresql":
      return Effect.promise(() => import("../dialect/driver/postgres.js")).pipe(
        Effect.map((m) => ({ compiler: m.compiler, open: m.open(url, options), singleConnection: m.singleConnection }))
      )
    case "mysql":
      return Effect.promise(() => import("../dialect/driver/mysql.js")).pipe(
        Effect.map((m) => ({ compiler: m.compiler, open: m.open(url, options), singleConnection: m.singleConnection }))
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
): Effect.Effect<
  {
    readonly sql: SqlClient.SqlClient
    readonly owns: (conn: Connection) => boolean
    /** A connection from the pool for the current scope (what `sql` statements use, without their span). */
    readonly acquire: Effect.Effect<Connection, SqlError, Scope.Scope>
  },
  never,
  Scope.Scope
> =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const reactivity = yield* Reactivity.make
    const driver = yield* loadDriver(url, options)
    const lock = yield* Effect.makeSemaphore(1)

    // The opened driver. Read without the lock on the hot path; written once, under it.
    let opened: SqlClient.SqlClient | undefined
    /** The one connection of a single-connection database, reserved when it opens. */
    let held: Connection | undefined
    const open = lock.withPermits(1)(
      Effect.suspend(() => {
        if (opened !== undefined) return Effect.succeed(opened)
        return Effect.flatMap(Scope.fork(scope, ExecutionStrategy.sequential), (child) =>
          driver.open.pipe(
            Effect.catchAllDefect((defect) =>
              Effect.fail(new SqlError({ cause: defect, message: "Failed to open a connection" }))
            ),
            Effect.tap((client) =>
              driver.singleConnection
                ? Effect.map(client.reserve, (conn) => {
                  held = conn
                })
                : Effect.void
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

    // retort bounds the pool itself: a permit per connection, so that `acquireTimeout` bounds the wait
    // for a free connection on every driver (mysql2 has no such timeout), and an interrupted wait gives
    // back nothing it half-took. The drivers' pools are sized the same, so a permit means a connection.
    const size = driver.singleConnection ? 1 : options.pool?.size ?? defaultPoolSize
    const acquireTimeout = Duration.decode(options.pool?.acquireTimeout ?? defaultAcquireTimeout)
    const permits = yield* Effect.makeSemaphore(size)
    const exhausted = new SqlError({
      cause: new Error(
        `no connection available within ${Duration.format(acquireTimeout)}: all ${size} connections of the pool are in use`
      ),
      message: "Timed out waiting for a connection"
    })
    // A timeout costs a timer and a fiber: only a wait for a busy pool pays for one.
    let inUse = 0
    const waitForPermit = permits.take(1).pipe(
      Effect.timeoutFail({ duration: acquireTimeout, onTimeout: () => markConnectPhase(exhausted) })
    )
    const takePermit = Effect.suspend(() => (inUse < size ? permits.take(1) : waitForPermit)).pipe(
      Effect.tap(() => Effect.sync(() => inUse++))
    )
    const releasePermit = Effect.suspend(() => {
      inUse--
      return permits.release(1)
    })
    const reserve = Effect.uninterruptibleMask((restore) =>
      Effect.gen(function*() {
        yield* restore(takePermit)
        yield* Effect.addFinalizer(() => releasePermit)
        // Opening may be interrupted (it cleans up after itself); reserving may not: @effect/sql-pg's
        // reserve has no canceler, so an interrupted reserve would leak a client.
        const client = yield* restore(driverClient)
        // One connection, reserved once: the permit is all the exclusion it needs.
        if (held !== undefined) return held
        return yield* client.reserve
      })
    )
    // Every connection handed out is remembered, so the engine can tell its own transaction
    // connection from another engine's (@effect/sql keeps it under one global tag).
    const own = new WeakSet<Connection>()
    const wrapped = new WeakMap<Connection, Connection>()
    const acquirer = Effect.map(reserve, (conn) => {
      let handed = wrapped.get(conn)
      if (handed === undefined) {
        handed = options.echo === true ? echoing(conn) : conn
        if (conn === held) wrapped.set(conn, handed)
        own.add(handed)
      }
      return handed
    })

    const sql = yield* SqlClient.make({
      acquirer,
      transactionAcquirer: acquirer,
      compiler: driver.compiler,
      spanAttributes: spanAttributes(url)
    }).pipe(Effect.provideService(Reactivity.Reactivity, reactivity))
    return { sql, owns: (conn: Connection) => own.has(conn), acquire: acquirer }
  })
