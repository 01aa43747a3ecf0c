/**
 * The engine: a URL picks the dialect and driver, and a scoped Layer owns the
 * connection pool. Nothing connects until the first statement.
 *
 * `Engine.layer` provides both `Engine.Engine` and `@effect/sql`'s `SqlClient`, so
 * code written against `SqlClient` runs unchanged on a retort engine.
 *
 * @module
 * @since 0.1.0
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Cause, type Config, type ConfigError, Context, Effect, Either, type Fiber, FiberRef, Layer, Mailbox, Redacted, RuntimeFlags, type Scope, Stream } from "effect"
import * as Dialect from "./Dialect.js"
import { type DatabaseError, OptionError, StatementTimeout } from "./Errors.js"
import { type Conn, TimedOut } from "./internal/execution/Conn.js"
import * as Executor from "./internal/execution/Executor.js"
import * as Replicas from "./internal/execution/Replicas.js"
import * as Held from "./internal/heldConnection.js"
import * as StatementNow from "./internal/statementNow.js"
import { isConnectPhase } from "./internal/classify.js"
import * as Telemetry from "./internal/telemetry.js"
import * as Transaction from "./internal/transaction.js"
import type { EngineOptions } from "./Options.js"
import * as Url from "./Url.js"

export type {
  /**
   * Options of {@link layer}: `pool` and `echo`.
   *
   * @example
   * import type { Engine } from "retort-orm"
   * const options: Engine.EngineOptions = { echo: true, pool: { size: 5 } }
   *
   * @since 0.1.0
   * @category models
   */
  EngineOptions,
  /**
   * Pool settings: `size`, `idleTimeout`, `acquireTimeout`, `maxLifetime`.
   *
   * @example
   * import type { Engine } from "retort-orm"
   * const pool: Engine.PoolOptions = { size: 10, idleTimeout: "30 seconds" }
   *
   * @since 0.1.0
   * @category models
   */
  PoolOptions
} from "./Options.js"

/**
 * A row as the driver returns it, before any Schema decoding.
 *
 * @example
 * import type { Engine } from "retort-orm"
 * const name = (row: Engine.Row) => String(row["name"])
 *
 * @since 0.1.0
 * @category models
 */
export type Row = Readonly<Record<string, unknown>>

/**
 * The engine service: where it points, what its database can do, and raw SQL
 * execution with classified errors.
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine } from "retort-orm"
 * const program = Effect.gen(function* () {
 *   const engine = yield* Engine.Engine
 *   return engine.dialect.name
 * })
 *
 * @since 0.1.0
 * @category models
 */
export interface Engine {
  readonly dialect: Dialect.Dialect
  readonly capabilities: Dialect.Capabilities
  /** The parsed URL; its password is `Redacted`. */
  readonly url: Url.DatabaseUrl
  /** The URL as given, redacted: `toString` and logs show `<redacted>`. */
  readonly redactedUrl: Redacted.Redacted<string>
  /** The `@effect/sql` client over this engine's pool (its errors are unclassified `SqlError`s). */
  readonly sql: SqlClient.SqlClient
  /**
   * Runs one statement, with `?`/`$n` placeholders as the dialect writes them, inside the
   * current transaction if any. `safeIntegers` reads SQLite integers as bigint. An
   * `undefined` parameter binds NULL on every database.
   */
  readonly execute: (sql: string, params?: ReadonlyArray<unknown>, options?: StatementOptions) => Effect.Effect<ReadonlyArray<Row>, DatabaseError>
  /**
   * Runs one statement and streams its rows as they arrive (a cursor on PostgreSQL, a row
   * stream on MariaDB, an iterator on SQLite), holding one connection until the stream ends.
   */
  readonly stream: (sql: string, params?: ReadonlyArray<unknown>, options?: StatementOptions) => Stream.Stream<Row, DatabaseError>
  /** Runs one statement and returns the driver's raw result (affected rows, insert ids), classified. */
  readonly executeRaw: (sql: string, params?: ReadonlyArray<unknown>, options?: SpanOptions) => Effect.Effect<unknown, DatabaseError>
  /** Turns the `SqlError`s of an effect into retort's typed errors. */
  readonly classify: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, ClassifiedError<E>, R>
  /**
   * A live result: `effect` run now, and again after every commit through this engine
   * that wrote one of `tables` (or ran raw text that writes: it could have written any
   * table). Always outside any transaction, so that no uncommitted data is seen; runs that
   * would overlap are coalesced into one. `Query.watch` builds on it.
   */
  readonly watch: <A, E, R>(tables: ReadonlyArray<string>, effect: Effect.Effect<A, E, R>) => Stream.Stream<A, E | DatabaseError, R>
  /**
   * Runs `effect` in a transaction on this engine: statements run through this engine
   * inside it (`execute`, `Query.execute`, the session) use its connection. Nested calls
   * are savepoints. Commits on success; rolls back on any failure, defect or
   * interruption, keeping the error type of `effect`. A failed COMMIT is a typed error.
   */
  readonly transaction: <A, E, R>(effect: Effect.Effect<A, E, R>, options?: TransactionOptions) => Effect.Effect<A, E | DatabaseError, R>
  /**
   * Begins a transaction and hands it back open (the session holds one from its first
   * statement to commit or rollback). Closing the scope first rolls it back.
   */
  readonly begin: (options?: TransactionOptions) => Effect.Effect<Transaction.Handle, DatabaseError, Scope.Scope>
  /** The transaction level in effect on this engine for the current fiber, if any. */
  readonly currentTransaction: FiberRef.FiberRef<Transaction.Level | undefined>
  /** The pool now: its size, connections open, idle and in use, and fibers waiting for one. */
  readonly poolStatus: Effect.Effect<PoolStatus>
}

/**
 * A snapshot of an engine's pool (SQLAlchemy's `pool.status()`).
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine } from "retort-orm"
 * const busy = Effect.map(Engine.Engine, (engine) => engine.poolStatus)
 *
 * @since 0.2.0
 * @category models
 */
export interface PoolStatus {
  readonly size: number
  /** Connections open or being opened. */
  readonly total: number
  readonly idle: number
  readonly inUse: number
  readonly waiting: number
}

/**
 * What a statement's telemetry span says beyond its SQL text: its main table
 * (`db.collection.name`) and operation (`db.operation.name`, else the SQL's first keyword).
 * The query layer passes them; raw SQL may. Read only when a tracer is installed.
 *
 * @example
 * import type { Engine } from "retort-orm"
 * const span: Engine.SpanOptions = { collection: "users", operation: "SELECT" }
 *
 * @since 0.3.0
 * @category models
 */
export interface SpanOptions {
  readonly collection?: string | undefined
  readonly operation?: string | undefined
}

/**
 * Per-statement options of `Engine.execute` and `Engine.stream`.
 *
 * @example
 * import type { Engine } from "retort-orm"
 * const wide: Engine.StatementOptions = { safeIntegers: true }
 *
 * @since 0.2.0
 * @category models
 */
export interface StatementOptions extends SpanOptions {
  /** Read SQLite integers as bigint (exact beyond 2^53). */
  readonly safeIntegers?: boolean | undefined
  /** Cancel this statement on the server past this many milliseconds (overrides `statementTimeout`). */
  readonly timeoutMillis?: number | undefined
  /** Rows fetched per round trip when streaming. */
  readonly chunk?: number | undefined
  /**
   * Only the first row is wanted (a lookup by key): `execute` returns at most one row, and
   * on SQLite reads no further.
   */
  readonly single?: boolean | undefined
  /**
   * The statement only reads: outside a transaction, on an engine with `replicas`, it may
   * run on a replica. Core selects without a row lock and `session.get` set it; raw text
   * runs on the primary unless it is given.
   */
  readonly readOnly?: boolean | undefined
}

/**
 * Options of a transaction: `isolation` ("read committed", "repeatable read",
 * "serializable"…), `readOnly`, and `retry`, a Schedule for retrying the whole transaction
 * on `SerializationFailure`, `DeadlockDetected` or `LockTimeout`.
 *
 * @example
 * import { Schedule } from "effect"
 * import type { Engine } from "retort-orm"
 * const options: Engine.TransactionOptions = { isolation: "serializable", retry: Schedule.recurs(5) }
 *
 * @since 0.1.0
 * @category models
 */
export type TransactionOptions = Transaction.TransactionOptions

/**
 * The error type of an effect after {@link classifyErrors}: each `SqlError` becomes a
 * {@link DatabaseError}.
 *
 * @example
 * import type { Engine, Errors } from "retort-orm"
 * type E = Engine.ClassifiedError<Errors.SqlError | "other"> // "other" | Errors.DatabaseError
 *
 * @since 0.1.0
 * @category models
 */
export type ClassifiedError<E> = [Extract<E, SqlError>] extends [never] ? E : Exclude<E, SqlError> | DatabaseError

/**
 * The engine's tag.
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine } from "retort-orm"
 * const dialect = Effect.map(Engine.Engine, (engine) => engine.dialect.name)
 *
 * @since 0.1.0
 * @category tags
 */
export const Engine: Context.Tag<Engine, Engine> = Context.GenericTag<Engine>("retort/Engine")

const identity = (e: unknown) => e

/** The table a write of unknown target (raw text) may have changed: every watcher listens to it. */
const anyTable = "*"
const everyWatcher = [anyTable]

/** The table a statement writes, `anyTable` for raw text that is not a SELECT, undefined for a read. */
const writtenBy = (text: string, o: StatementOptions | undefined): string | undefined => {
  if (o?.readOnly === true) return undefined
  if (o?.collection !== undefined) return o.operation === "SELECT" ? undefined : o.collection
  return Telemetry.operationOf(text) === "SELECT" ? undefined : anyTable
}

const isSqlError = (e: unknown): e is SqlError =>
  typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "SqlError"

/**
 * Builds an engine in the current scope. Opens no connection: the first statement does.
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine, Url } from "retort-orm"
 * const program = Effect.scoped(Effect.gen(function* () {
 *   const engine = yield* Engine.make(yield* Url.parse("sqlite://"))
 *   return yield* engine.execute("SELECT 1 AS one")
 * }))
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  url: Url.DatabaseUrl,
  options: EngineOptions = {}
): Effect.Effect<Engine, Url.UrlError, Scope.Scope> =>
  Effect.gen(function*() {
    const dialect = Dialect.byName(url.dialect)
    const exec = yield* Executor.make(url, options)
    const replicas = yield* Replicas.build(url, options)
    if (options.listen === true && url.dialect !== "postgresql") {
      return yield* new Url.UrlError({
        part: "option",
        url: Url.toDisplayString(url),
        reason: "listen",
        message: `listen (LISTEN / NOTIFY across processes) is PostgreSQL's; a ${url.dialect} engine has none`
      })
    }
    const current = exec.current
    // A connection held across statements and transactions (internal: the migrator's locks).
    const pinned = FiberRef.unsafeMake<Conn | undefined>(undefined)
    const context: Dialect.ErrorContext = { url }
    const classifyOne = (e: unknown) => {
      if (!isSqlError(e)) return e
      if (e.cause instanceof TimedOut) {
        return new StatementTimeout({
          message: `Statement cancelled on the server after ${e.cause.timeoutMillis} ms (statementTimeout)`,
          dialect: url.dialect,
          timeoutMillis: e.cause.timeoutMillis,
          cause: e
        })
      }
      return dialect.classify(e, context)
    }
    // A failure handler only: `Effect.mapError` is a match whose success side is one more
    // step (and one more Exit) for every statement that succeeds.
    const classifyCause = (cause: Cause.Cause<unknown>) => Effect.failCause(Cause.map(cause, classifyOne))
    const classify = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, ClassifiedError<E>, R> =>
      Effect.catchAllCause(self, classifyCause) as Effect.Effect<A, ClassifiedError<E>, R>

    // A statement runs on the transaction in effect on this engine: retort's (a FiberRef of
    // this engine), or an @effect/sql one (sql.withTransaction) if its connection is this
    // engine's (its tag is global: another engine's connection must not be used). Otherwise
    // on a pooled connection, in autocommit. `rows`: `execute` (the rows) rather than
    // `executeRaw` (the driver's result). The statement's parts are passed as they are, not
    // as closures over them: a statement made four closures before it ran.
    const run = (
      rows: boolean,
      text: string,
      params: ReadonlyArray<unknown>,
      span: StatementOptions | undefined
    ): Effect.Effect<unknown, DatabaseError> =>
      Effect.withFiberRuntime<unknown, DatabaseError>((fiber, status) => {
        if (syncNow !== undefined) {
          const result = inStep(fiber, rows, text, params, span)
          if (result instanceof StatementNow.Failed) return Effect.fail(result.error)
          if (result !== StatementNow.notNow) return Effect.succeed(result)
        } else if (callIn !== undefined) {
          const call = onServer(fiber, RuntimeFlags.interruptible(status.runtimeFlags), rows, text, params, span, Effect.succeed)
          if (call !== StatementNow.notNow) return call
        }
        const level = fiber.getFiberRef(current)
        const held = level === undefined ? fiber.getFiberRef(pinned) : undefined
        // Live queries: a transaction's writes are announced at its commit, others once done.
        const writes = level !== undefined || watchers.n > 0 ? writtenBy(text, span) : undefined
        if (writes !== undefined && level !== undefined) level.written.add(writes)
        const announceAfter = level === undefined ? writes : undefined
        if (replicas !== undefined) {
          const routed = route(fiber, level, held, rows, text, params, span)
          if (routed !== undefined) return routed
        }
        const traced = Telemetry.isTraced(fiber)
        let effect: Effect.Effect<unknown, SqlError>
        if (level !== undefined) effect = Transaction.runOn(level, (conn) => onConn(rows, conn, text, params, span))
        else if (held !== undefined) effect = onConn(rows, held, text, params, span)
        else {
          const tx = Context.getOption(fiber.currentContext, SqlClient.TransactionConnection)
          const conn = tx._tag === "Some" ? exec.connOf(tx.value[0]) : undefined
          effect = conn !== undefined ? onConn(rows, conn, text, params, span) : onPool(rows, text, params, span)
          if (replicas !== undefined && conn === undefined && span?.readOnly !== true && Telemetry.operationOf(text) !== "SELECT") {
            effect = Effect.zipLeft(effect, wrote)
          }
        }
        if (announceAfter !== undefined) effect = Effect.tap(effect, () => Effect.sync(() => announce(announceAfter)))
        const classified = classify(effect) as Effect.Effect<unknown, DatabaseError>
        // A span per statement only when a tracer is installed: Effect's built-in one records
        // nothing anyone reads, and a span is most of a fast statement's cost.
        return traced ? Telemetry.statementSpan(classified, serverOf(level), text, span, identity, rows ? rowCount : undefined) : classified
      })
    const onConn = (rows: boolean, conn: Conn, text: string, params: ReadonlyArray<unknown>, o: StatementOptions | undefined) =>
      rows ? firstOnly(exec.queryOn(conn, text, params, o), o) : exec.runOn(conn, text, params)
    const onPool = (rows: boolean, text: string, params: ReadonlyArray<unknown>, o: StatementOptions | undefined) =>
      rows ? firstOnly(exec.query(text, params, o), o) : exec.run(text, params)
    // With replicas: a read outside any transaction, by a fiber that has not written within
    // the readYourWrites window, goes to a replica; a write outside one opens that window.
    // Live queries (`watch`): how many run, and the announcement of a committed write.
    const watchers = { n: 0 }
    const announce = (table: string) => exec.reactivity.unsafeInvalidate(table === anyTable ? everyWatcher : [table])
    const announceAll = (tables: ReadonlySet<string>) => {
      if (watchers.n > 0) exec.reactivity.unsafeInvalidate(tables.has(anyTable) ? everyWatcher : [...tables])
    }
    const unavailable = (e: SqlError) => isConnectPhase(e) || (classifyOne(e) as { _tag?: string })._tag === "ConnectionError"
    const replicaConns = new WeakMap<Conn, Readonly<Record<string, unknown>>>()
    const serverOf = (level: Transaction.Level | undefined) =>
      level === undefined || replicas === undefined ? spanBase : replicaConns.get(level.conn) ?? spanBase
    const wrote = replicas === undefined ? Effect.void : Effect.suspend(() => FiberRef.set(replicas.primaryUntil, Date.now() + replicas.windowMillis))
    const route = (
      fiber: Fiber.RuntimeFiber<unknown, unknown>,
      level: Transaction.Level | undefined,
      held: Conn | undefined,
      rows: boolean,
      text: string,
      params: ReadonlyArray<unknown>,
      span: StatementOptions | undefined
    ): Effect.Effect<unknown, DatabaseError> | undefined => {
      if (replicas === undefined || level !== undefined || held !== undefined || inSqlTransaction(fiber)) return undefined
      if (span?.readOnly !== true) return undefined
      if (fiber.getFiberRef(replicas.primaryUntil) > Date.now()) return undefined
      const candidates = replicas.candidates()
      if (candidates.length === 0) return undefined
      const traced = Telemetry.isTraced(fiber)
      const count = rows ? rowCount : undefined
      const onReplica = (replica: Executor.Executor) => rows ? firstOnly(replica.query(text, params, span), span) : replica.run(text, params)
      const attempt = (r: Replicas.Replica) =>
        traced ? Telemetry.statementSpan(onReplica(r.exec), r.spanBase, text, span, classifyOne, count) : onReplica(r.exec)
      const primary = traced
        ? Telemetry.statementSpan(onPool(rows, text, params, span), spanBase, text, span, classifyOne, count)
        : onPool(rows, text, params, span)
      return Effect.mapError(Replicas.routed(candidates, attempt, primary, unavailable), classifyOne) as Effect.Effect<unknown, DatabaseError>
    }
    const spanBase = Telemetry.connectionAttributes(url)
    const rowCount = (rows: unknown) => (rows as ReadonlyArray<Row>).length
    const syncNow = exec.now
    // better-sqlite3 reads one row itself (`get`); the server drivers have read them all.
    const firstOnly = <E>(rows: Effect.Effect<ReadonlyArray<Row>, E>, o: StatementOptions | undefined) =>
      o?.single === true ? Effect.map(rows, (r) => (r.length > 1 ? r.slice(0, 1) : r)) : rows
    // better-sqlite3, untraced: the statement runs in this step, on the level's connection
    // when no other fiber of the level holds it (or the held one), else on an idle pooled one;
    // `notNow` when it cannot. `run` tries it first; callers already in a step of their own
    // call it through `statementNow.ts`. (SQLite has no replicas: nothing to route here.)
    const inStep = (
      fiber: Fiber.RuntimeFiber<unknown, unknown>,
      rows: boolean,
      text: string,
      params: ReadonlyArray<unknown>,
      span: StatementOptions | undefined
    ): unknown => {
      if (syncNow === undefined || Telemetry.isTraced(fiber)) return StatementNow.notNow
      const level = fiber.getFiberRef(current)
      if (level === undefined ? inSqlTransaction(fiber) : level.busy.n !== 0) return StatementNow.notNow
      let result: unknown
      try {
        const conn = level?.conn ?? fiber.getFiberRef(pinned)
        result = rows ? syncNow.query(conn, text, params, span) : syncNow.run(conn, text, params)
      } catch (e) {
        return new StatementNow.Failed(classifyOne(e as SqlError) as DatabaseError)
      }
      if (result === undefined) return StatementNow.notNow
      // Live queries: a transaction's writes are announced at its commit, others now.
      const writes = level !== undefined || watchers.n > 0 ? writtenBy(text, span) : undefined
      if (writes !== undefined) {
        if (level !== undefined) level.written.add(writes)
        else announce(writes)
      }
      return result
    }
    // A server driver, untraced, without replicas: the statement on the transaction's
    // connection or a pooled one as one Effect.async (`Executor.callIn`),
    // its errors classified and `then` applied in the driver's callback; `notNow` where the
    // general path is needed (a level's connection held by another fiber, a held or
    // @effect/sql transaction's connection, a write live queries must hear of at once).
    const callIn = exec.callIn
    const onServer = <B>(
      fiber: Fiber.RuntimeFiber<unknown, unknown>,
      interruptible: boolean,
      rows: boolean,
      text: string,
      params: ReadonlyArray<unknown>,
      span: StatementOptions | undefined,
      then: (value: unknown) => Effect.Effect<B, unknown>
    ): Effect.Effect<B, DatabaseError> | StatementNow.NotNow => {
      if (callIn === undefined || replicas !== undefined || Telemetry.isTraced(fiber)) return StatementNow.notNow
      const level = fiber.getFiberRef(current)
      if (level !== undefined) {
        // The transaction's connection, when no other fiber of it holds the connection.
        if (level.busy.n !== 0 || level.conn.call === undefined) return StatementNow.notNow
        const writes = writtenBy(text, span)
        if (writes !== undefined) level.written.add(writes)
        return callIn(level.conn, rows, text, params, span, interruptible, classifyOne, then) as Effect.Effect<B, DatabaseError>
      }
      if (fiber.getFiberRef(pinned) !== undefined || inSqlTransaction(fiber)) return StatementNow.notNow
      // A write announced to live queries once done: the general path.
      if (watchers.n > 0 && writtenBy(text, span) !== undefined) return StatementNow.notNow
      return callIn(undefined, rows, text, params, span, interruptible, classifyOne, then) as Effect.Effect<B, DatabaseError>
    }
    /** An @effect/sql transaction (sql.withTransaction) on one of this engine's connections is in effect. */
    const inSqlTransaction = (fiber: Fiber.RuntimeFiber<unknown, unknown>) => {
      const tx = Context.getOption(fiber.currentContext, SqlClient.TransactionConnection)
      return tx._tag === "Some" && exec.connOf(tx.value[0]) !== undefined
    }
    // BEGIN, COMMIT, SAVEPOINT…: spans of their own, children of whatever runs the transaction.
    const commandOn: Executor.Executor["commandOn"] = (conn, text, timeoutMillis) =>
      Effect.withFiberRuntime((fiber) =>
        Telemetry.isTraced(fiber)
          ? Telemetry.statementSpan(exec.commandOn(conn, text, timeoutMillis), replicaConns.get(conn) ?? spanBase, text, undefined, classifyOne)
          : exec.commandOn(conn, text, timeoutMillis)
      )
    const deps: Transaction.Dependencies = {
      exec: { ...exec, commandOn },
      current,
      classify: classify as Transaction.Dependencies["classify"],
      begin: dialect.compiler.begin,
      end: dialect.compiler.end,
      dialect: url.dialect,
      pinned,
      committed: announceAll,
      tenant: (o) => {
        const statements = dialect.compiler.tenant(o.schema, o.settings ?? [], url.dialect === "sqlite" ? undefined : url.database)
        return typeof statements === "string"
          ? Either.left(new OptionError({ message: statements, option: o.schema !== undefined ? "schema" : "settings", value: o.schema ?? "settings" }))
          : Either.right(statements)
      }
    }
    // A read-only transaction on a replica (the primary when none answers).
    const replicaDeps: Transaction.Dependencies = replicas === undefined ? deps : {
      ...deps,
      exec: {
        ...deps.exec,
        lease: Effect.suspend(() =>
          Replicas.routed(
            replicas.candidates(),
            (r) => Effect.tap(r.exec.lease, (conn) => Effect.sync(() => replicaConns.set(conn, r.spanBase))),
            exec.lease,
            unavailable
          )
        )
      }
    }
    const stream = (text: string, params: ReadonlyArray<unknown>, o?: StatementOptions): Stream.Stream<Row, DatabaseError> =>
      Stream.unwrap(Effect.withFiberRuntime<Stream.Stream<Row, DatabaseError>>((fiber) => {
        const given = Context.getOption(fiber.currentContext, Transaction.StreamLevel)
        const level = fiber.getFiberRef(current) ?? (given._tag === "Some" && given.value.ref === current ? given.value.level : undefined)
        // In a transaction the stream holds the level's lock until it ends: nothing else may
        // use the connection while its result is being read.
        const traced = Telemetry.isTraced(fiber)
        const candidates = replicas !== undefined && level === undefined && o?.readOnly === true && fiber.getFiberRef(pinned) === undefined &&
            !inSqlTransaction(fiber) && fiber.getFiberRef(replicas.primaryUntil) <= Date.now()
          ? replicas.candidates()
          : []
        if (candidates.length > 0) {
          const traceOn = (rows: Stream.Stream<Row, SqlError>, base: Readonly<Record<string, unknown>>) =>
            traced ? Telemetry.streamSpan(rows, base, text, o, classifyOne) : rows
          const routed = Replicas.routedStream(
            candidates,
            (r) => traceOn(r.exec.stream(text, params, o), r.spanBase),
            traceOn(exec.stream(text, params, o), spanBase),
            unavailable
          )
          return Effect.succeed(Stream.mapError(routed, (e) => classifyOne(e) as DatabaseError))
        }
        const rows = level !== undefined
          ? Stream.unwrapScoped(Effect.as(Transaction.hold(level), exec.streamOn(level.conn, text, params, o)))
          : exec.stream(text, params, o)
        const classified = Stream.mapError(rows, (e) => classifyOne(e) as DatabaseError)
        return Effect.succeed(traced ? Telemetry.streamSpan(classified, serverOf(level), text, o, identity) : classified)
      }))
    const withConnection: Held.WithConnection = (effect) =>
      Effect.flatMap(FiberRef.get(pinned), (held) =>
        held !== undefined
          ? effect
          : Effect.scoped(Effect.flatMap(classify(exec.lease), (conn) => Effect.locally(effect, pinned, conn))))
    const engine = Engine.of({
      dialect,
      capabilities: dialect.capabilities,
      url,
      redactedUrl: Redacted.make(Url.toDisplayString(url)),
      sql: exec.sql,
      execute: (text, params = [], o) => run(true, text, params, o) as Effect.Effect<ReadonlyArray<Row>, DatabaseError>,
      executeRaw: (text, params = [], o) => run(false, text, params, o),
      stream: (text, params = [], o) => stream(text, params, o),
      classify,
      transaction: (effect, options) =>
        replicas === undefined
          ? Transaction.transaction(deps, effect, options)
          : options?.replica === true
          ? Transaction.transaction(replicaDeps, effect, options)
          : options?.readOnly === true
          ? Transaction.transaction(deps, effect, options)
          : Effect.ensuring(Transaction.transaction(deps, effect, options), wrote),
      begin: (options) =>
        replicas === undefined || options?.readOnly === true
          ? Transaction.begin(deps, options)
          : options?.replica === true
          ? Transaction.begin(replicaDeps, options)
          : Effect.map(Transaction.begin(deps, options), (handle) => ({ ...handle, commit: Effect.ensuring(handle.commit, wrote) })),
      currentTransaction: current,
      watch: (tables, effect) =>
        Stream.unwrapScoped(Effect.gen(function*() {
          yield* Effect.acquireRelease(Effect.sync(() => watchers.n++), () => Effect.sync(() => watchers.n--))
          if (options.listen === true && exec.listen !== undefined) {
            yield* classify(exec.listen((table) => exec.reactivity.unsafeInvalidate([table])))
          }
          // Each run sees committed data only: outside whatever transaction the watcher began in.
          const outside = effect.pipe(Effect.locally(current, undefined), Effect.locally(pinned, undefined))
          // Debounced: a commit announced twice (here and by NOTIFY) or a burst of them is one emission.
          return Stream.debounce(Mailbox.toStream(yield* exec.reactivity.query([...new Set(tables), anyTable], outside)), "10 millis")
        })),
      poolStatus: Effect.sync(() => exec.pool.stats)
    })
    if (syncNow !== undefined) {
      StatementNow.register(engine, {
        run: (fiber, text, params, o) => inStep(fiber, false, text, params, o),
        query: (fiber, text, params, o) => inStep(fiber, true, text, params, o) as ReturnType<StatementNow.QueryNow>,
        later: undefined
      })
    } else if (callIn !== undefined) {
      StatementNow.register(engine, {
        run: () => StatementNow.notNow,
        query: () => StatementNow.notNow,
        later: (fiber, interruptible, rows, text, params, o, then) => onServer(fiber, interruptible, rows, text, params, o, then)
      })
    }
    return Held.register(engine, withConnection)
  })

const contextOf = (engine: Engine) => Context.make(Engine, engine).pipe(Context.add(SqlClient.SqlClient, engine.sql))

/**
 * A Layer providing `Engine.Engine` and `SqlClient` for a database URL. Building it
 * validates the URL (failing with `UrlError`) and opens nothing; the pool is closed
 * when the layer is released.
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine } from "retort-orm"
 * const program = Engine.execute("SELECT 1 AS one").pipe(Effect.provide(Engine.layer("sqlite://", { echo: true })))
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  url: string | Redacted.Redacted<string>,
  options: EngineOptions = {}
): Layer.Layer<Engine | SqlClient.SqlClient, Url.UrlError> =>
  Layer.scopedContext(Effect.map(Effect.flatMap(Url.parse(url), (parsed) => make(parsed, options)), contextOf))

/**
 * Like {@link layer}, with the URL read from a `Config` (a plain or redacted string).
 *
 * @example
 * import { Config } from "effect"
 * import { Engine } from "retort-orm"
 * const layer = Engine.layerConfig(Config.redacted("DATABASE_URL"))
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<string | Redacted.Redacted<string>>,
  options: EngineOptions = {}
): Layer.Layer<Engine | SqlClient.SqlClient, Url.UrlError | ConfigError.ConfigError> =>
  Layer.scopedContext(
    Effect.map(Effect.flatMap(Effect.flatMap(config, Url.parse), (parsed) => make(parsed, options)), contextOf)
  )

/**
 * Runs one raw statement on the engine in context, inside the current transaction if
 * any. Failures are classified (`UniqueViolation`, `ConnectionError`, …).
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine } from "retort-orm"
 * const rows = Engine.execute("SELECT ? AS answer", [42]).pipe(Effect.provide(Engine.layer("sqlite://")))
 *
 * @since 0.1.0
 * @category execution
 */
export const execute = (
  sql: string,
  params?: ReadonlyArray<unknown>
): Effect.Effect<ReadonlyArray<Row>, DatabaseError, Engine> =>
  Effect.flatMap(Engine, (engine) => engine.execute(sql, params))

/**
 * Runs `effect` in a transaction on the engine in context (a savepoint when nested).
 *
 * @example
 * import { Effect, Schedule } from "effect"
 * import { Engine } from "retort-orm"
 * const transfer = Engine.transaction(
 *   Effect.all([
 *     Engine.execute("UPDATE account SET balance = balance - 10 WHERE id = 1"),
 *     Engine.execute("UPDATE account SET balance = balance + 10 WHERE id = 2")
 *   ]),
 *   { isolation: "serializable", retry: Schedule.recurs(3) }
 * )
 *
 * @since 0.1.0
 * @category transactions
 */
export const transaction = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  options?: TransactionOptions
): Effect.Effect<A, E | DatabaseError, R | Engine> => Effect.flatMap(Engine, (engine) => engine.transaction(effect, options))

/**
 * Classifies the `SqlError`s of any effect (for example `SqlClient` statements) into
 * retort's typed errors, using the engine in context.
 *
 * @example
 * import { SqlClient } from "@effect/sql"
 * import { Effect } from "effect"
 * import { Engine } from "retort-orm"
 * const insert = Effect.flatMap(SqlClient.SqlClient, (sql) => sql`INSERT INTO t (id) VALUES (${1})`).pipe(
 *   Engine.classifyErrors,
 *   Effect.catchTag("UniqueViolation", () => Effect.void)
 * )
 *
 * @since 0.1.0
 * @category errors
 */
export const classifyErrors = <A, E, R>(
  self: Effect.Effect<A, E, R>
): Effect.Effect<A, ClassifiedError<E>, R | Engine> => Effect.flatMap(Engine, (engine) => engine.classify(self))
