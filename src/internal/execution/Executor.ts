/**
 * The execution layer of one engine: its pool, the statement path outside transactions,
 * and `@effect/sql`'s `SqlClient` over the same pool. Called only by `src/Engine.ts`; the
 * transactions (`src/internal/transaction.ts`) run on the connections it leases.
 *
 * Building it opens nothing: the driver module is loaded and the first connection opened
 * by the first statement. Only the adapters in this folder call a driver.
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import { Cause, Chunk, Duration, Effect, FiberRef, type Scope, Stream } from "effect"
import type { EngineOptions } from "../../Options.js"
import type { DatabaseUrl } from "../../Url.js"
import { markConnectPhase } from "../classify.js"
import type { Level } from "../transaction.js"
import { asyncCancellable, asyncIn, type Call, type Conn, type Done, resuming, type Row, startBounded, type StatementOptions } from "./Conn.js"
import { loadFailure } from "./drivers.js"
import { Pool } from "./Pool.js"
import { compilerFor } from "./sqlCompiler.js"

/** The PostgreSQL notification channel of live queries across processes (`Migration.notifyChanges`). */
export const changesChannel = "retort_changes"

/** As node-postgres and mysql2 default. */
const defaultPoolSize = 10
/** As SQLAlchemy's `pool_timeout`. */
const defaultAcquireTimeout = Duration.seconds(30)
/** A connection idle for longer is pinged before it is handed out (SQLAlchemy's `pool_pre_ping`, for idle ones). */
const pingAfterMillis = 5_000

const millis = (d: Duration.DurationInput | undefined) => (d === undefined ? undefined : Math.max(0, Math.round(Duration.toMillis(d))))

export interface Executor {
  readonly pool: Pool
  /** The engine's transaction in effect for the current fiber. */
  readonly current: FiberRef.FiberRef<Level | undefined>
  /** Rows of one statement on a pooled connection (autocommit). */
  readonly query: (sql: string, params: ReadonlyArray<unknown>, options?: StatementOptions) => Effect.Effect<ReadonlyArray<Row>, SqlError>
  /** The driver's result of one statement on a pooled connection. */
  readonly run: (sql: string, params: ReadonlyArray<unknown>) => Effect.Effect<unknown, SqlError>
  /**
   * Synchronous drivers (better-sqlite3) without echo: the statement run in the caller's
   * step, on `conn` or on an idle pooled connection. `undefined` when it cannot run now
   * (no idle connection); throws `SqlError`. Absent for asynchronous drivers.
   */
  readonly now: {
    readonly query: (conn: Conn | undefined, sql: string, params: ReadonlyArray<unknown>, options?: StatementOptions) => ReadonlyArray<Row> | undefined
    readonly run: (conn: Conn | undefined, sql: string, params: ReadonlyArray<unknown>) => unknown
  } | undefined
  /**
   * Server drivers without echo: one statement as a single `Effect.async` (`rows`: its rows,
   * else the driver's result), on `conn` (a transaction's, which has `call`) or, when `conn`
   * is undefined, on a pooled connection. For a caller in `Effect.withFiberRuntime` that
   * passes its fiber's interruptibility. Every failure goes through `mapError`; the value
   * through `then`, in the driver's callback. Absent for better-sqlite3, whose statements
   * run in the caller's step (`now`).
   */
  readonly callIn: (<B>(
    conn: Conn | undefined,
    rows: boolean,
    sql: string,
    params: ReadonlyArray<unknown>,
    options: StatementOptions | undefined,
    interruptible: boolean,
    mapError: (e: SqlError) => unknown,
    then: (value: unknown) => Effect.Effect<B, unknown>
  ) => Effect.Effect<B, unknown>) | undefined
  /** Rows as they arrive, on a pooled connection held until the stream ends. */
  readonly stream: (sql: string, params: ReadonlyArray<unknown>, options?: StreamOptions) => Stream.Stream<Row, SqlError>
  /** A connection for the current scope, given back (or destroyed, if broken) when it closes. */
  readonly lease: Effect.Effect<Conn, SqlError, Scope.Scope>
  /** Rows of one statement on a given connection (a transaction's), echoed and bounded like any. */
  readonly queryOn: (conn: Conn, sql: string, params: ReadonlyArray<unknown>, options?: StatementOptions) => Effect.Effect<ReadonlyArray<Row>, SqlError>
  readonly runOn: (conn: Conn, sql: string, params: ReadonlyArray<unknown>) => Effect.Effect<unknown, SqlError>
  /** Rows as they arrive on a given connection (a transaction's). */
  readonly streamOn: (conn: Conn, sql: string, params: ReadonlyArray<unknown>, options?: StreamOptions) => Stream.Stream<Row, SqlError>
  /** A parameterless statement (BEGIN, COMMIT, SAVEPOINT…) on a given connection. */
  readonly commandOn: (conn: Conn, sql: string, timeoutMillis?: number) => Effect.Effect<void, SqlError>
  /** The bound on COMMIT and ROLLBACK, past which the connection is destroyed. */
  readonly endTimeoutMillis: number
  /** `@effect/sql`'s client over this pool. */
  readonly sql: SqlClient.SqlClient
  /** Invalidation by table name: the engine's live queries, and `@effect/sql`'s reactive queries. */
  readonly reactivity: Reactivity.Reactivity["Type"]
  /**
   * PostgreSQL: makes sure a connection of its own LISTENs to retort's change channel
   * (`changesChannel`, notified by `Migration.notifyChanges` triggers), each notified table
   * going to `onTable`; started once, again after it was lost, closed with the engine.
   */
  readonly listen: ((onTable: (table: string) => void) => Effect.Effect<void, SqlError>) | undefined
  /** The connection behind an `@effect/sql` connection this engine handed out, if it is one. */
  readonly connOf: (connection: Connection) => Conn | undefined
}

export type StreamOptions = StatementOptions & { readonly chunk?: number | undefined }

interface DriverModule {
  readonly open: Effect.Effect<Conn, SqlError>
}

const failed = (cause: unknown) => new SqlError({ cause, message: "Failed to execute statement" })
const noCancel = () => {}
/**
 * `then(value)`, run in a driver's callback: a throw there would reach the driver's event
 * handler, not the fiber, so it becomes the fiber's defect as it would in a `flatMap`.
 */
const following = <B>(then: (value: unknown) => Effect.Effect<B, unknown>, value: unknown): Effect.Effect<B, unknown> => {
  try {
    return then(value)
  } catch (e) {
    return Effect.die(e)
  }
}

/** A lookup by key wants one row; the server drivers have read all there were. */
const firstRow = (rows: ReadonlyArray<Row>) => (rows.length > 1 ? rows.slice(0, 1) : rows)

/**
 * Loads only the adapter (and so the driver) the URL needs: a PostgreSQL program never loads
 * better-sqlite3, and need not have it installed. A driver that is not installed fails the
 * connection with a message naming the package (`drivers.ts`), never with a defect.
 */
const loadDriver = (url: DatabaseUrl, options: EngineOptions, schema: { readonly current: () => number; readonly changed: () => void }): Effect.Effect<DriverModule, SqlError> => {
  const connectTimeoutMillis = millis(options.pool?.acquireTimeout) ??
    (url.dialect !== "sqlite" && url.options["connect_timeout"] !== undefined ? Number(url.options["connect_timeout"]) * 1000 : 30_000)
  const load = <M>(adapter: () => Promise<M>, use: (m: M) => DriverModule) =>
    Effect.map(Effect.tryPromise({ try: adapter, catch: (cause) => loadFailure(url.dialect, cause) }), use)
  switch (url.dialect) {
    case "sqlite":
      return load(() => import("./sqlite.js"), (m) => ({ open: m.open(url, { busyTimeoutMillis: millis(options.pool?.acquireTimeout) }) }))
    case "postgresql":
      return load(() => import("./postgres.js"), (m) => ({
        open: m.open(url, { connectTimeoutMillis, schemaEpoch: schema.current, schemaChanged: schema.changed })
      }))
    case "mysql":
      return load(() => import("./mysql.js"), (m) => ({ open: m.open(url, { connectTimeoutMillis }) }))
  }
}

const echoEntry = (sql: string, params: ReadonlyArray<unknown>) => Effect.annotateLogs(Effect.logInfo(sql), "params", params)

const spanAttributes = (url: DatabaseUrl): ReadonlyArray<readonly [string, unknown]> =>
  url.dialect === "sqlite"
    ? [["db.system.name", "sqlite"], ["db.namespace", url.filename]]
    : [
      ["db.system.name", url.dialect],
      ["server.address", url.host],
      ["server.port", url.port],
      ["db.namespace", url.database ?? ""]
    ]

export const make = (url: DatabaseUrl, options: EngineOptions): Effect.Effect<Executor, never, Scope.Scope> =>
  Effect.gen(function*() {
    const current = FiberRef.unsafeMake<Level | undefined>(undefined)
    // Bumped by the PostgreSQL adapter when a connection runs DDL: every connection then drops
    // the statements it prepared under the old schema.
    let epoch = 0
    let driver: DriverModule | undefined
    const driverEffect = loadDriver(url, options, { current: () => epoch, changed: () => void epoch++ })
    const open = Effect.suspend(() =>
      driver !== undefined ? driver.open : Effect.flatMap(Effect.tap(driverEffect, (d) => {
        driver = d
      }), (d) => d.open)
    ).pipe(Effect.mapError(markConnectPhase))

    const single = url.dialect === "sqlite"
    const size = single ? 1 : Math.max(1, Math.floor(options.pool?.size ?? defaultPoolSize))
    const acquireTimeoutMillis = millis(options.pool?.acquireTimeout) ?? Duration.toMillis(defaultAcquireTimeout)
    const statementTimeoutMillis = millis(options.statementTimeout)
    const pool = new Pool({
      size,
      acquireTimeoutMillis,
      idleTimeoutMillis: single ? undefined : millis(options.pool?.idleTimeout),
      maxLifetimeMillis: single ? undefined : millis(options.pool?.maxLifetime),
      pingAfterMillis: single ? Infinity : pingAfterMillis,
      pingTimeoutMillis: Math.min(2_000, acquireTimeoutMillis),
      open,
      connectError: markConnectPhase,
      keepAlive: single
    })
    yield* Effect.addFinalizer(() => pool.close)

    const echo = options.echo === true
    const bounded = statementTimeoutMillis === undefined ? undefined : { timeoutMillis: statementTimeoutMillis }
    const withBound = (o: StatementOptions | undefined): StatementOptions | undefined =>
      bounded === undefined ? o : o === undefined ? bounded : { ...o, timeoutMillis: o.timeoutMillis ?? statementTimeoutMillis }

    // The statement path outside transactions. An idle connection is taken synchronously;
    // better-sqlite3 then runs the statement in the same step.
    const onPool = <A>(
      now: (conn: Conn) => A,
      later: (conn: Conn) => Effect.Effect<A, SqlError>
    ): Effect.Effect<A, SqlError> =>
      Effect.uninterruptibleMask((restore) =>
        Effect.suspend(() => {
          const conn = pool.tryTake()
          if (conn !== undefined) {
            if (conn.queryNow !== undefined) {
              try {
                return Effect.succeed(now(conn))
              } catch (e) {
                return Effect.fail(failed(e))
              } finally {
                pool.release(conn)
              }
            }
            return Effect.ensuring(restore(later(conn)), Effect.sync(() => pool.release(conn)))
          }
          return Effect.flatMap(restore(pool.acquire), (conn) => Effect.ensuring(restore(later(conn)), Effect.sync(() => pool.release(conn))))
        })
      )

    // A server driver on an idle connection: the take, the driver call, its bound and the
    // release in one Effect.async, whose register runs in the step that takes the connection
    // (nothing can interrupt in between), its canceler the one interruption handler (as in
    // `boundedCall`). The general path (a mask, a suspend, an ensuring, the bounded call's own
    // async and its handler) made about 5 KB more garbage per PostgreSQL lookup
    // (`bench/garbageProbe.ts`).
    const onPoolCall = <A>(
      start: (call: Call, done: Done<A>) => void,
      timeoutMillis: number | undefined,
      now: (conn: Conn) => A,
      later: (conn: Conn) => Effect.Effect<A, SqlError>
    ): Effect.Effect<A, SqlError> =>
      asyncCancellable<A, SqlError>((resume) => {
        const taken = pool.tryTake()
        if (taken === undefined || taken.call === undefined) {
          if (taken !== undefined) pool.release(taken)
          resume(onPool(now, later))
          return noCancel
        }
        const call = taken.call
        return startBounded(taken, timeoutMillis, call.abandon, call.isServerError, (done) => start(call, done), resuming<A>(resume), () => pool.release(taken))
      })

    // On `conn`, started now; failures through `mapError`, the value through `then` (in the
    // driver's callback), `after` once settled. Gives back the cancel.
    const startCall = <B>(
      conn: Conn,
      call: Call,
      rows: boolean,
      sql: string,
      params: ReadonlyArray<unknown>,
      o: StatementOptions | undefined,
      mapError: (e: SqlError) => unknown,
      then: (value: unknown) => Effect.Effect<B, unknown>,
      resume: (effect: Effect.Effect<B, unknown>) => void,
      after: (() => void) | undefined
    ) => {
      const effective = rows ? withBound(o) : bounded
      const first = rows && o?.single === true
      return startBounded<unknown>(
        conn,
        effective?.timeoutMillis,
        call.abandon,
        call.isServerError,
        rows ? (done) => call.query(sql, params, effective, done) : (done) => call.run(sql, params, bounded, done),
        (error, value) => resume(error === undefined ? following(then, first ? firstRow(value as ReadonlyArray<Row>) : value) : Effect.fail(mapError(error))),
        after
      )
    }
    // `onPoolCall` (or `queryOn`) for a caller that knows its fiber's interruptibility
    // (`asyncIn`), with the engine's error mapping and what follows the statement (a
    // lookup's decode) applied in the driver's callback: one Effect.async and no step after it.
    const callIn: Executor["callIn"] = single || echo ? undefined : <B>(
      conn: Conn | undefined,
      rows: boolean,
      sql: string,
      params: ReadonlyArray<unknown>,
      o: StatementOptions | undefined,
      interruptible: boolean,
      mapError: (e: SqlError) => unknown,
      then: (value: unknown) => Effect.Effect<B, unknown>
    ) =>
      asyncIn<B, unknown>(interruptible, (resume) => {
        if (conn !== undefined) return startCall(conn, conn.call!, rows, sql, params, o, mapError, then, resume, undefined)
        const taken = pool.tryTake()
        if (taken === undefined || taken.call === undefined) {
          if (taken !== undefined) pool.release(taken)
          // No idle connection: the general path, its failures mapped, then the rest.
          const general = rows ? query(sql, params, o) : run(sql, params)
          resume(Effect.flatMap(Effect.catchAllCause(general, (cause) => Effect.failCause(Cause.map(cause, mapError))), (value) =>
            then(rows && o?.single === true ? firstRow(value as ReadonlyArray<Row>) : value)))
          return noCancel
        }
        return startCall(taken, taken.call, rows, sql, params, o, mapError, then, resume, () => pool.release(taken))
      })

    // No Effect at all: taking an idle connection, the statement and the release happen in
    // one synchronous step, where nothing can interrupt them.
    // The statement's parts are passed as they are (`rows`: its rows, else the driver's
    // result), not as a closure over them made per statement.
    const callNow = (c: Conn, rows: boolean, sql: string, params: ReadonlyArray<unknown>, o: StatementOptions | undefined) =>
      rows ? c.queryNow!(sql, params, o) : c.runNow!(sql, params)
    const inStep = (conn: Conn | undefined, rows: boolean, sql: string, params: ReadonlyArray<unknown>, o?: StatementOptions) => {
      if (conn !== undefined) {
        try {
          return callNow(conn, rows, sql, params, o)
        } catch (e) {
          throw failed(e)
        }
      }
      const pooled = pool.tryTake()
      if (pooled === undefined) return undefined
      try {
        return callNow(pooled, rows, sql, params, o)
      } catch (e) {
        throw failed(e)
      } finally {
        pool.release(pooled)
      }
    }
    const now: Executor["now"] = url.dialect === "sqlite" && options.echo !== true
      ? {
        query: (conn, sql, params, o) => inStep(conn, true, sql, params, o) as ReadonlyArray<Row> | undefined,
        run: (conn, sql, params) => inStep(conn, false, sql, params)
      }
      : undefined

    /** One Info entry per statement, written before it runs, so a failing statement is logged too. */
    const logged = <A, E>(sql: string, params: ReadonlyArray<unknown>, effect: Effect.Effect<A, E>) =>
      echo ? Effect.zipRight(echoEntry(sql, params), effect) : effect
    const query = (sql: string, params: ReadonlyArray<unknown>, o?: StatementOptions) => {
      const effective = withBound(o)
      const now = (c: Conn) => c.queryNow!(sql, params, effective)
      const later = (c: Conn) => c.query(sql, params, effective)
      return logged(
        sql,
        params,
        single ? onPool(now, later) : onPoolCall((call, done) => call.query(sql, params, effective, done), effective?.timeoutMillis, now, later)
      )
    }
    const run = (sql: string, params: ReadonlyArray<unknown>) => {
      const now = (c: Conn) => c.runNow!(sql, params)
      const later = (c: Conn) => c.run(sql, params, bounded)
      return logged(
        sql,
        params,
        single ? onPool(now, later) : onPoolCall((call, done) => call.run(sql, params, bounded, done), bounded?.timeoutMillis, now, later)
      )
    }
    const lease: Effect.Effect<Conn, SqlError, Scope.Scope> = Effect.acquireRelease(
      Effect.interruptible(pool.acquire),
      (conn) => Effect.sync(() => pool.release(conn))
    )
    const streamOn = (conn: Conn, sql: string, params: ReadonlyArray<unknown>, o?: StreamOptions) =>
      Stream.unwrap(logged(sql, params, Effect.sync(() => conn.stream(sql, params, o))))
    const stream = (sql: string, params: ReadonlyArray<unknown>, o?: StreamOptions) =>
      Stream.unwrapScoped(Effect.map(lease, (conn) => streamOn(conn, sql, params, o)))

    // --- @effect/sql's client over the same pool -------------------------------------------
    const adapters = new WeakMap<Conn, Connection>()
    const owners = new WeakMap<Connection, Conn>()
    const adapt = (conn: Conn): Connection => {
      let adapted = adapters.get(conn)
      if (adapted !== undefined) return adapted
      const transform = (rows: ReadonlyArray<any>, t: (<A extends object>(row: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined) => (t === undefined ? rows : t(rows))
      const safe = (effect: (safeIntegers: boolean) => Effect.Effect<ReadonlyArray<Row>, SqlError>) =>
        Effect.flatMap(SqlClient.SafeIntegers, effect)
      adapted = {
        execute: (sql, params, t) => logged(sql, params, Effect.map(safe((s) => conn.query(sql, params, withBound({ safeIntegers: s }))), (rows) => transform(rows, t))),
        executeRaw: (sql, params) => logged(sql, params, conn.run(sql, params, bounded)),
        executeValues: (sql, params) =>
          logged(sql, params, Effect.map(conn.query(sql, params, bounded), (rows) => rows.map((r) => Object.values(r)))),
        executeUnprepared: (sql, params, t) =>
          logged(sql, params, Effect.map(conn.query(sql, params, bounded), (rows) => transform(rows, t))),
        executeStream: (sql, params, t) =>
          Stream.mapChunks(conn.stream(sql, params, bounded), (chunk) => (t === undefined ? chunk : Chunk.unsafeFromArray(t(Chunk.toReadonlyArray(chunk) as Array<any>) as Array<any>)))
      }
      adapters.set(conn, adapted)
      owners.set(adapted, conn)
      return adapted
    }
    // Inside a retort transaction, `sql` statements run on its connection: one transaction, seen by both.
    const acquirer: Effect.Effect<Connection, SqlError, Scope.Scope> = Effect.flatMap(
      FiberRef.get(current),
      (level) => (level !== undefined ? Effect.succeed(adapt(level.conn)) : Effect.map(lease, adapt))
    )
    const compiler = compilerFor(url.dialect)
    const reactivity = yield* Reactivity.make
    const sql = yield* SqlClient.make({
      acquirer,
      transactionAcquirer: Effect.map(lease, adapt),
      compiler,
      spanAttributes: spanAttributes(url)
    }).pipe(Effect.provideService(Reactivity.Reactivity, reactivity))

    let closeListener: (() => void) | undefined
    const listenLock = Effect.unsafeMakeSemaphore(1)
    yield* Effect.addFinalizer(() => Effect.sync(() => closeListener?.()))
    const listen: Executor["listen"] = url.dialect !== "postgresql" ? undefined : (onTable) =>
      listenLock.withPermits(1)(Effect.suspend(() => {
        if (closeListener !== undefined) return Effect.void
        return Effect.tryPromise({ try: () => import("./postgres.js"), catch: (cause) => loadFailure(url.dialect, cause) }).pipe(
          Effect.flatMap((m) => m.listen(url as Parameters<typeof m.listen>[0], millis(options.pool?.acquireTimeout) ?? 30_000, changesChannel, onTable, () => void (closeListener = undefined))),
          Effect.map((close) => void (closeListener = close))
        )
      }))

    return {
      pool,
      reactivity,
      listen,
      current,
      query,
      run,
      now,
      callIn,
      queryOn: (conn, sql, params, o) => logged(sql, params, conn.query(sql, params, withBound(o))),
      runOn: (conn, sql, params) => logged(sql, params, conn.run(sql, params, bounded)),
      commandOn: (conn, sql, timeoutMillis) =>
        logged(sql, [], conn.command(sql, timeoutMillis === undefined ? bounded : { timeoutMillis })),
      stream,
      streamOn,
      lease,
      endTimeoutMillis: statementTimeoutMillis ?? 10_000,
      sql,
      connOf: (connection) => owners.get(connection)
    }
  })
