/**
 * Transactions on one engine: a leased connection, BEGIN / COMMIT / ROLLBACK, savepoints
 * for nested calls. Called by `src/Engine.ts` (and through it by the session and the
 * query executor). It replaces `@effect/sql`'s `withTransaction`, which retort must not
 * inherit: there a failed COMMIT is a defect, concurrent savepoints share a name, and the
 * transaction connection is found through one global tag.
 *
 * The transaction in effect is a FiberRef owned by each engine; every level (the
 * transaction, each savepoint) has a lock that serializes what runs directly at that
 * level, so concurrent siblings never interleave inside each other's savepoints.
 *
 * Ending a transaction is bounded: a COMMIT or ROLLBACK that gets no answer within the
 * executor's `endTimeoutMillis` destroys the connection (the server rolls back on
 * disconnect). A connection lost after COMMIT was sent fails with `CommitOutcomeUnknown`,
 * which is never retried. A connection broken by an interrupted or timed-out statement is
 * not rolled back at all: it is destroyed.
 */
import type { SqlError } from "@effect/sql/SqlError"
import { Cause, Context, Effect, Either, ExecutionStrategy, Exit, FiberRef, Predicate, Schedule, Scope } from "effect"
import type { DatabaseError } from "../Errors.js"
import { CommitOutcomeUnknown, isRetryable, OptionError } from "../Errors.js"
import type { Conn } from "./execution/Conn.js"
import type { Executor } from "./execution/Executor.js"

/** One level of a transaction: the transaction itself (depth 0) or a savepoint. */
export interface Level {
  readonly conn: Conn
  readonly depth: number
  /** Serializes the statements and the nested blocks run directly at this level. */
  readonly lock: Effect.Semaphore
  /**
   * How many holders of `lock` keep the connection for a while (a savepoint block, a stream).
   * While none does, a statement runs without taking the lock: the driver sends statements
   * in order, so one sent before a SAVEPOINT runs before it.
   */
  readonly busy: { n: number }
  /** Savepoint names are unique within the whole transaction. */
  readonly counter: { next: number }
  /** The tables written in the whole transaction (shared by its savepoints), for live queries at commit. */
  readonly written: Set<string>
}

/**
 * A transaction level for a stream, which a FiberRef cannot carry (a stream runs in its
 * consumer's fiber): the session provides it, the engine whose FiberRef it names reads it.
 */
export interface StreamLevel {
  readonly ref: FiberRef.FiberRef<Level | undefined>
  readonly level: Level
}
export const StreamLevel = Context.GenericTag<StreamLevel>("retort/internal/StreamLevel")

/** Isolation levels, as SQL spells them. */
export type IsolationLevel = "read uncommitted" | "read committed" | "repeatable read" | "serializable"

/** The closed set of isolation levels, checked at run time: an option never reaches SQL as text. */
export const isolationLevels: ReadonlyArray<IsolationLevel> = ["read uncommitted", "read committed", "repeatable read", "serializable"]

export interface TransactionOptions {
  readonly isolation?: IsolationLevel | undefined
  readonly readOnly?: boolean | undefined
  /**
   * A read-only transaction on one of the engine's replicas (the primary when none answers
   * or the engine has none). Implies `readOnly`; outermost transaction only.
   */
  readonly replica?: boolean | undefined
  /**
   * Unqualified tables are this schema's for the transaction (a tenant's): `SET LOCAL
   * search_path` on PostgreSQL, the default database on MariaDB (restored after). Outermost
   * transaction only; not on SQLite.
   */
  readonly schema?: string | undefined
  /**
   * Transaction-local settings (PostgreSQL's `set_config(name, value, true)`, bound as
   * parameters), read by row-level security policies with `current_setting(name)`. They
   * end with the transaction and never reach the connection's next user.
   */
  readonly settings?: Readonly<Record<string, string>> | undefined
  /**
   * Retries the whole transaction on `SerializationFailure`, `DeadlockDetected` and
   * `LockTimeout` with this schedule (outermost transaction only).
   */
  readonly retry?: Schedule.Schedule<unknown, DatabaseError> | undefined
}

/** Options after their run-time check. */
export interface CheckedOptions {
  readonly isolation: IsolationLevel | undefined
  readonly readOnly: boolean
  readonly schema?: string | undefined
  readonly settings?: ReadonlyArray<readonly [name: string, value: string]> | undefined
}

const describe = (value: unknown) => {
  try {
    return typeof value === "string" ? JSON.stringify(value) : String(value)
  } catch {
    return typeof value
  }
}

/** Checks options typed as unions, which JavaScript callers (or casts) can bypass. */
export const checkOptions = (options: TransactionOptions | undefined): Either.Either<CheckedOptions, OptionError> => {
  if (options === undefined) return Either.right({ isolation: undefined, readOnly: false })
  if (typeof options !== "object" || options === null) {
    return Either.left(new OptionError({ message: "transaction options must be an object", option: "options", value: describe(options) }))
  }
  const { isolation, readOnly, replica, retry, schema, settings } = options
  if (isolation !== undefined && !isolationLevels.includes(isolation)) {
    return Either.left(
      new OptionError({
        message: `isolation must be one of ${isolationLevels.map((l) => JSON.stringify(l)).join(", ")}; got ${describe(isolation)}`,
        option: "isolation",
        value: describe(isolation)
      })
    )
  }
  if (readOnly !== undefined && typeof readOnly !== "boolean") {
    return Either.left(new OptionError({ message: `readOnly must be a boolean; got ${describe(readOnly)}`, option: "readOnly", value: describe(readOnly) }))
  }
  if (replica !== undefined && typeof replica !== "boolean") {
    return Either.left(new OptionError({ message: `replica must be a boolean; got ${describe(replica)}`, option: "replica", value: describe(replica) }))
  }
  if (replica === true && readOnly === false) {
    return Either.left(new OptionError({ message: "a replica transaction is read-only: readOnly: false contradicts replica: true", option: "readOnly", value: "false" }))
  }
  if (schema !== undefined && (typeof schema !== "string" || schema.length === 0)) {
    return Either.left(new OptionError({ message: `schema must be a non-empty string; got ${describe(schema)}`, option: "schema", value: describe(schema) }))
  }
  let pairs: Array<readonly [string, string]> | undefined
  if (settings !== undefined) {
    if (typeof settings !== "object" || settings === null || Array.isArray(settings)) {
      return Either.left(new OptionError({ message: "settings must be an object of names to string values", option: "settings", value: describe(settings) }))
    }
    pairs = []
    for (const [name, value] of Object.entries(settings)) {
      if (typeof value !== "string") {
        return Either.left(new OptionError({ message: `setting ${JSON.stringify(name)} must be a string; got ${describe(value)}`, option: "settings", value: describe(value) }))
      }
      pairs.push([name, value])
    }
  }
  if (retry !== undefined && !Schedule.isSchedule(retry)) {
    return Either.left(new OptionError({ message: "retry must be a Schedule", option: "retry", value: describe(retry) }))
  }
  const checked: CheckedOptions = { isolation, readOnly: readOnly === true || replica === true }
  return Either.right(schema === undefined && pairs === undefined ? checked : { ...checked, schema, settings: pairs })
}

export interface Dependencies {
  readonly exec: Executor
  readonly current: FiberRef.FiberRef<Level | undefined>
  readonly classify: <A, E, R>(self: Effect.Effect<A, E | SqlError, R>) => Effect.Effect<A, E | DatabaseError, R>
  /** The statements that begin a transaction with these (checked) options. */
  readonly begin: (options: CheckedOptions) => ReadonlyArray<string>
  /** Statements that undo per-connection settings of `begin` once the transaction ended (SQLite's query_only). */
  readonly end: (options: CheckedOptions) => ReadonlyArray<string>
  readonly dialect: "sqlite" | "postgresql" | "mysql"
  /** A connection the fiber holds (`src/internal/heldConnection.ts`): transactions begin on it instead of leasing one. */
  readonly pinned?: FiberRef.FiberRef<Conn | undefined>
  /**
   * The statements that put a transaction in a tenant's schema and settings (bound), run
   * after BEGIN, and those that undo what outlives the transaction; a refusal where the
   * database has no such thing.
   */
  readonly tenant: (options: CheckedOptions) => Either.Either<Tenant, OptionError>
  /** After a COMMIT that did (or may have) happened: the tables the transaction wrote. */
  readonly committed?: (written: ReadonlySet<string>) => void
}

/** A transaction's tenant statements: after BEGIN (bound), and after it ends. */
export interface Tenant {
  readonly begin: ReadonlyArray<{ readonly sql: string; readonly params: ReadonlyArray<unknown> }>
  readonly end: ReadonlyArray<string>
}

export const noTenant: Tenant = { begin: [], end: [] }

/** Runs one statement on a level's connection, taking the level's lock. */
export const runOn = <A>(level: Level, statement: (conn: Conn) => Effect.Effect<A, SqlError>) =>
  level.busy.n === 0 ? statement(level.conn) : level.lock.withPermits(1)(Effect.suspend(() => statement(level.conn)))

/** Holds a level's lock for the current scope (a stream reading on its connection). */
export const hold = (level: Level): Effect.Effect<void, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.zipRight(level.lock.take(1), Effect.sync(() => level.busy.n++)),
    () => Effect.zipRight(Effect.sync(() => level.busy.n--), level.lock.release(1))
  )

/** Holds a level's lock around `effect` (a savepoint block, which keeps its connection). */
export const holding = <A, E, R>(level: Level, effect: Effect.Effect<A, E, R>) =>
  level.lock.withPermits(1)(
    Effect.suspend(() => {
      level.busy.n++
      return Effect.ensuring(effect, Effect.sync(() => level.busy.n--))
    })
  )

const plain = (deps: Dependencies, conn: Conn, sql: string, timeoutMillis?: number) =>
  deps.classify(deps.exec.commandOn(conn, sql, timeoutMillis))

/** ROLLBACK, bounded, unless the connection is broken (then it is destroyed and the server rolls back). */
const rollbackOn = (deps: Dependencies, conn: Conn, options: CheckedOptions) =>
  Effect.suspend(() =>
    conn.broken ? Effect.void : Effect.ignore(plain(deps, conn, "ROLLBACK", deps.exec.endTimeoutMillis))
  ).pipe(Effect.zipRight(restoreSettings(deps, conn, options)))

const restoreSettings = (deps: Dependencies, conn: Conn, options: CheckedOptions) =>
  Effect.forEach([...deps.end(options), ...tenantOf(deps, options).end], (sql) => Effect.suspend(() => (conn.broken ? Effect.void : Effect.ignore(plain(deps, conn, sql)))), {
    discard: true
  })

/**
 * COMMIT, bounded. A lost connection (or no answer in time) means nobody knows whether it
 * committed: `CommitOutcomeUnknown`. Any other failure rolls back and is reported as is.
 */
const commitOn = (deps: Dependencies, conn: Conn, options: CheckedOptions): Effect.Effect<void, DatabaseError> =>
  plain(deps, conn, "COMMIT", deps.exec.endTimeoutMillis).pipe(
    Effect.catchAll((error) => {
      if (conn.broken || Predicate.isTagged(error, "ConnectionError") || Predicate.isTagged(error, "StatementTimeout")) {
        conn.broken = true
        return Effect.fail(
          new CommitOutcomeUnknown({
            message: `The connection was lost after COMMIT was sent: the transaction may or may not have been committed (${error.message})`,
            dialect: deps.dialect,
            cause: error
          })
        )
      }
      return Effect.zipRight(rollbackOn(deps, conn, options), Effect.fail(error))
    }),
    Effect.zipLeft(restoreSettings(deps, conn, options))
  )

/** Tenant options: outermost transactions only, and only where the database has them. */
const checkTenant = (
  deps: Dependencies,
  checked: Either.Either<CheckedOptions, OptionError>,
  parent: Level | undefined
): Either.Either<CheckedOptions, OptionError> =>
  Either.flatMap(checked, (options) => {
    if (options.schema === undefined && options.settings === undefined) return Either.right(options)
    if (parent !== undefined) {
      const option = options.schema !== undefined ? "schema" : "settings"
      return Either.left(new OptionError({ message: `${option} applies to the outermost transaction only; this one is nested (a savepoint)`, option, value: "nested" }))
    }
    return Either.map(deps.tenant(options), () => options)
  })

/** Tells the engine what a transaction wrote once its COMMIT succeeded or its outcome is unknown. */
const notify = (deps: Dependencies, level: Level, exit: Exit.Exit<unknown, unknown>) => {
  if (deps.committed === undefined || level.written.size === 0) return
  if (Exit.isSuccess(exit) || Predicate.isTagged(Cause.squash(exit.cause), "CommitOutcomeUnknown")) deps.committed(level.written)
}

/**
 * Runs `effect` in a transaction: the outermost call begins one on a leased connection
 * and commits on success; a nested call is a savepoint. Any failure, defect or
 * interruption rolls back (to the savepoint); the error type of `effect` is kept. A failed
 * COMMIT is a typed error, after which the connection is rolled back and returned.
 */
export const transaction = <A, E, R>(
  deps: Dependencies,
  effect: Effect.Effect<A, E, R>,
  options: TransactionOptions = {}
): Effect.Effect<A, E | DatabaseError, R> =>
  Effect.flatMap(FiberRef.get(deps.current), (parent): Effect.Effect<A, E | DatabaseError, R> => {
    const checked = checkTenant(deps, checkOptions(options), parent)
    if (Either.isLeft(checked)) return Effect.fail(checked.left)
    if (parent !== undefined) return savepoint(deps, parent, effect)
    const once = outermost(deps, effect, checked.right)
    return options.retry === undefined
      ? once
      : Effect.retry(once, { schedule: options.retry as Schedule.Schedule<unknown, E | DatabaseError>, while: isRetryable })
  })

const tenantOf = (deps: Dependencies, options: CheckedOptions): Tenant =>
  options.schema === undefined && options.settings === undefined ? noTenant : Either.getOrElse(deps.tenant(options), () => noTenant)

/** Leases a connection into `scope` and begins; if anything fails, the scope is closed and nothing is left open. */
const open = (deps: Dependencies, options: CheckedOptions, scope: Scope.CloseableScope, restore: <X, Y, Z>(e: Effect.Effect<X, Y, Z>) => Effect.Effect<X, Y, Z>) =>
  Effect.gen(function*() {
    const held = deps.pinned === undefined ? undefined : yield* FiberRef.get(deps.pinned)
    const conn = held ?? (yield* restore(deps.classify(Scope.extend(deps.exec.lease, scope))))
    const tenant = tenantOf(deps, options)
    yield* Effect.forEach(deps.begin(options), (sql) => restore(plain(deps, conn, sql)), { discard: true }).pipe(
      Effect.zipRight(Effect.forEach(tenant.begin, (st) =>
        // Parameterless ones (MariaDB's USE) cannot be prepared.
        restore(st.params.length === 0 ? plain(deps, conn, st.sql) : deps.classify(deps.exec.queryOn(conn, st.sql, st.params))), { discard: true })),
      Effect.onError(() => rollbackOn(deps, conn, options))
    )
    return conn
  }).pipe(Effect.onError(() => Scope.close(scope, Exit.void)))

const outermost = <A, E, R>(
  deps: Dependencies,
  effect: Effect.Effect<A, E, R>,
  options: CheckedOptions
): Effect.Effect<A, E | DatabaseError, R> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const release = Scope.close(scope, Exit.void)
      const conn = yield* open(deps, options, scope, restore)
      const level: Level = { conn, depth: 0, lock: Effect.unsafeMakeSemaphore(1), busy: { n: 0 }, counter: { next: 0 }, written: new Set() }
      const exit = yield* Effect.exit(restore(Effect.locally(effect, deps.current, level)))
      if (Exit.isSuccess(exit)) {
        const committed = yield* Effect.exit(commitOn(deps, conn, options))
        yield* release
        notify(deps, level, committed)
        if (Exit.isFailure(committed)) return yield* Effect.failCause(committed.cause)
        return exit.value
      }
      yield* rollbackOn(deps, conn, options)
      yield* release
      return yield* exit
    })
  )

/** A transaction begun imperatively (the session's): its level, and how it ends. */
export interface Handle {
  readonly level: Level
  /** COMMIT; on failure ROLLBACK, then the COMMIT's typed error. Returns the connection either way. */
  readonly commit: Effect.Effect<void, DatabaseError>
  /** ROLLBACK (errors ignored) and return the connection. */
  readonly rollback: Effect.Effect<void>
}

/**
 * Begins a transaction on a leased connection and hands it back open: the session holds
 * it from its first statement until commit or rollback. If `scope` closes first, the
 * transaction is rolled back and the connection returned.
 */
export const begin = (deps: Dependencies, options: TransactionOptions = {}): Effect.Effect<Handle, DatabaseError, Scope.Scope> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.gen(function*() {
      const checked = checkTenant(deps, checkOptions(options), undefined)
      if (Either.isLeft(checked)) return yield* checked.left
      const outer = yield* Effect.scope
      const scope = yield* Scope.fork(outer, ExecutionStrategy.sequential)
      const conn = yield* open(deps, checked.right, scope, restore)
      const level: Level = { conn, depth: 0, lock: Effect.unsafeMakeSemaphore(1), busy: { n: 0 }, counter: { next: 0 }, written: new Set() }
      let isOpen = true
      const rollback: Effect.Effect<void> = Effect.suspend(() => {
        if (!isOpen) return Effect.void
        isOpen = false
        return Effect.ensuring(rollbackOn(deps, conn, checked.right), Scope.close(scope, Exit.void))
      }).pipe(Effect.uninterruptible)
      const commit: Effect.Effect<void, DatabaseError> = Effect.suspend(() => {
        if (!isOpen) return Effect.void
        isOpen = false
        return Effect.ensuring(commitOn(deps, conn, checked.right), Scope.close(scope, Exit.void)).pipe(
          Effect.onExit((exit) => Effect.sync(() => notify(deps, level, exit)))
        )
      }).pipe(Effect.uninterruptible)
      // Released with the outer scope without a commit: roll back.
      yield* Scope.addFinalizer(outer, rollback)
      return { level, commit, rollback }
    })
  )

const savepoint = <A, E, R>(deps: Dependencies, parent: Level, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | DatabaseError, R> =>
  // Holding the parent's lock for the whole block keeps siblings from interleaving inside it.
  holding(
    parent,
    Effect.uninterruptibleMask((restore) =>
      Effect.gen(function*() {
        // The name is retort's own counter, never user text.
        const name = `retort_sp_${++parent.counter.next}`
        yield* plain(deps, parent.conn, `SAVEPOINT ${name}`)
        const level: Level = { conn: parent.conn, depth: parent.depth + 1, lock: Effect.unsafeMakeSemaphore(1), busy: { n: 0 }, counter: parent.counter, written: parent.written }
        const exit = yield* Effect.exit(restore(Effect.locally(effect, deps.current, level)))
        if (Exit.isSuccess(exit)) {
          yield* plain(deps, parent.conn, `RELEASE SAVEPOINT ${name}`)
          return exit.value
        }
        if (!parent.conn.broken) {
          yield* Effect.ignore(plain(deps, parent.conn, `ROLLBACK TO SAVEPOINT ${name}`, deps.exec.endTimeoutMillis))
          yield* Effect.ignore(plain(deps, parent.conn, `RELEASE SAVEPOINT ${name}`, deps.exec.endTimeoutMillis))
        }
        return yield* exit
      })
    )
  )
