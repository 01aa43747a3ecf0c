/**
 * The engine: a URL picks the dialect and driver, and a scoped Layer owns the
 * connection pool. Nothing connects until the first statement.
 *
 * `Engine.layer` provides both `Engine.Engine` and `@effect/sql`'s `SqlClient`, so
 * code written against `SqlClient` runs unchanged on a retort engine.
 *
 * @since 0.1.0
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type { Connection } from "@effect/sql/SqlConnection"
import { type Config, type ConfigError, Context, Effect, FiberRef, Layer, Redacted, type Scope } from "effect"
import * as Dialect from "./Dialect.js"
import type { DatabaseError } from "./Errors.js"
import * as executor from "./internal/executor.js"
import * as Transaction from "./internal/transaction.js"
import type { EngineOptions } from "./Options.js"
import * as Url from "./Url.js"

export type {
  /**
   * Options of {@link layer}: `pool` and `echo`.
   *
   * @example
   * import type { Engine } from "retort"
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
   * import type { Engine } from "retort"
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
 * import type { Engine } from "retort"
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
 * import { Engine } from "retort"
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
  /** Runs one statement, with `?`/`$n` placeholders as the dialect writes them, inside the current transaction if any. */
  readonly execute: (sql: string, params?: ReadonlyArray<unknown>) => Effect.Effect<ReadonlyArray<Row>, DatabaseError>
  /** Runs one statement and returns the driver's raw result (affected rows, insert ids), classified. */
  readonly executeRaw: (sql: string, params?: ReadonlyArray<unknown>) => Effect.Effect<unknown, DatabaseError>
  /** Turns the `SqlError`s of an effect into retort's typed errors. */
  readonly classify: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, ClassifiedError<E>, R>
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
}

/**
 * Options of a transaction: `isolation` ("read committed", "repeatable read",
 * "serializable"…), `readOnly`, and `retry`, a Schedule for retrying the whole transaction
 * on `SerializationFailure`, `DeadlockDetected` or `LockTimeout`.
 *
 * @example
 * import { Schedule } from "effect"
 * import type { Engine } from "retort"
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
 * import type { Engine, Errors } from "retort"
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
 * import { Engine } from "retort"
 * const dialect = Effect.map(Engine.Engine, (engine) => engine.dialect.name)
 *
 * @since 0.1.0
 * @category tags
 */
export const Engine: Context.Tag<Engine, Engine> = Context.GenericTag<Engine>("retort/Engine")

const isSqlError = (e: unknown): e is SqlError =>
  typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "SqlError"

/**
 * Builds an engine in the current scope. Opens no connection: the first statement does.
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine, Url } from "retort"
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
): Effect.Effect<Engine, never, Scope.Scope> =>
  Effect.gen(function*() {
    const dialect = Dialect.byName(url.dialect)
    const { acquire, owns, sql } = yield* executor.make(url, options)
    const context: Dialect.ErrorContext = { url }
    const classify = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, ClassifiedError<E>, R> =>
      Effect.mapError(self, (e) => (isSqlError(e) ? dialect.classify(e, context) : e)) as Effect.Effect<
        A,
        ClassifiedError<E>,
        R
      >
    const current = FiberRef.unsafeMake<Transaction.Level | undefined>(undefined)
    // An @effect/sql transaction (sql.withTransaction) is joined only if it is this engine's:
    // its tag is global, and another engine's connection must not be used.
    // Outside a transaction a statement borrows a pooled connection for itself; inside one it
    // runs on the transaction's. Both call the connection directly: @effect/sql's Statement
    // would add a span and a scope per statement, which retort's hot path does without.
    const pooled = <A>(onConn: (conn: Connection) => Effect.Effect<A, SqlError>) =>
      Effect.flatMap(Effect.serviceOption(SqlClient.TransactionConnection), (tx) =>
        tx._tag === "Some" && owns(tx.value[0]) ? onConn(tx.value[0]) : Effect.scoped(Effect.flatMap(acquire, onConn)))
    const run = <A>(text: string, onConn: (conn: Connection) => Effect.Effect<A, SqlError>) =>
      traced(
        text,
        Effect.flatMap(FiberRef.get(current), (level) => classify(level === undefined ? pooled(onConn) : Transaction.runOn(level, onConn)))
      )
    // A span per statement only when a tracer is installed: Effect's built-in one records nothing
    // anyone reads, and a span is most of a fast statement's cost.
    const traced = <A, E>(text: string, effect: Effect.Effect<A, E>) =>
      Effect.tracerWith((tracer) =>
        tracer === builtInTracer
          ? effect
          : Effect.withSpan(effect, "sql.execute", {
            kind: "client",
            captureStackTrace: false,
            attributes: { "db.system.name": dialect.name, "db.query.text": text }
          }))
    const deps: Transaction.Dependencies = {
      current,
      reserve: sql.reserve,
      classify: classify as Transaction.Dependencies["classify"],
      begin: dialect.compiler.begin
    }
    return Engine.of({
      dialect,
      capabilities: dialect.capabilities,
      url,
      redactedUrl: Redacted.make(Url.toDisplayString(url)),
      sql,
      execute: (text, params = []) => run(text, (conn) => conn.execute(text, params, undefined) as Effect.Effect<ReadonlyArray<Row>, SqlError>),
      executeRaw: (text, params = []) => run(text, (conn) => conn.executeRaw(text, params)),
      classify,
      transaction: (effect, options) => Transaction.transaction(deps, effect, options),
      begin: (options) => Transaction.begin(deps, options),
      currentTransaction: current
    })
  })

/** Effect's default tracer, which nobody reads unless a tracer layer replaces it. */
const builtInTracer = Effect.runSync(Effect.tracer)

const contextOf = (engine: Engine) => Context.make(Engine, engine).pipe(Context.add(SqlClient.SqlClient, engine.sql))

/**
 * A Layer providing `Engine.Engine` and `SqlClient` for a database URL. Building it
 * validates the URL (failing with `UrlError`) and opens nothing; the pool is closed
 * when the layer is released.
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine } from "retort"
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
 * import { Engine } from "retort"
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
 * import { Engine } from "retort"
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
 * import { Engine } from "retort"
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
 * import { Engine } from "retort"
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
