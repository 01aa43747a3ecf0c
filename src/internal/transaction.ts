/**
 * Transactions on one engine: a reserved connection, BEGIN / COMMIT / ROLLBACK, savepoints
 * for nested calls. Called by `src/Engine.ts` (and through it by the session and the
 * query executor). It replaces `@effect/sql`'s `withTransaction`, which retort must not
 * inherit: there a failed COMMIT is a defect, concurrent savepoints share a name, and the
 * transaction connection is found through one global tag, so a statement on engine B
 * inside a transaction on engine A runs on A's connection.
 *
 * Here the transaction in effect is a FiberRef owned by each engine; every level (the
 * transaction, each savepoint) has a lock that serializes what runs directly at that
 * level, so concurrent siblings never interleave inside each other's savepoints.
 */
import type { Connection } from "@effect/sql/SqlConnection"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, ExecutionStrategy, Exit, FiberRef, Schedule, Scope } from "effect"
import type { DatabaseError } from "../Errors.js"
import { isRetryable } from "../Errors.js"

/** One level of a transaction: the transaction itself (depth 0) or a savepoint. */
export interface Level {
  readonly conn: Connection
  readonly depth: number
  /** Serializes the statements and the nested blocks run directly at this level. */
  readonly lock: Effect.Semaphore
  /** Savepoint names are unique within the whole transaction. */
  readonly counter: { next: number }
}

/** Isolation levels, as SQL spells them. */
export type IsolationLevel = "read uncommitted" | "read committed" | "repeatable read" | "serializable"

export interface TransactionOptions {
  readonly isolation?: IsolationLevel | undefined
  readonly readOnly?: boolean | undefined
  /**
   * Retries the whole transaction on `SerializationFailure`, `DeadlockDetected` and
   * `LockTimeout` with this schedule (outermost transaction only).
   */
  readonly retry?: Schedule.Schedule<unknown, DatabaseError> | undefined
}

export interface Dependencies {
  readonly current: FiberRef.FiberRef<Level | undefined>
  readonly reserve: Effect.Effect<Connection, SqlError, Scope.Scope>
  readonly classify: <A, E, R>(self: Effect.Effect<A, E | SqlError, R>) => Effect.Effect<A, E | DatabaseError, R>
  readonly begin: (options: TransactionOptions) => ReadonlyArray<string>
}

/** Runs one statement on a level's connection, taking the level's lock. */
export const runOn = <A>(level: Level, statement: (conn: Connection) => Effect.Effect<A, SqlError>) =>
  level.lock.withPermits(1)(statement(level.conn))

const plain = (deps: Dependencies, conn: Connection, sql: string) =>
  deps.classify(conn.executeUnprepared(sql, [], undefined))

/**
 * Runs `effect` in a transaction: the outermost call begins one on a reserved connection
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
    if (parent !== undefined) return savepoint(deps, parent, effect)
    const once = outermost(deps, effect, options)
    return options.retry === undefined
      ? once
      : Effect.retry(once, { schedule: options.retry as Schedule.Schedule<unknown, E | DatabaseError>, while: isRetryable })
  })

const outermost = <A, E, R>(
  deps: Dependencies,
  effect: Effect.Effect<A, E, R>,
  options: TransactionOptions
): Effect.Effect<A, E | DatabaseError, R> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const release = Scope.close(scope, Exit.void)
      const conn = yield* restore(deps.classify(Scope.extend(deps.reserve, scope))).pipe(Effect.onError(() => release))
      const level: Level = { conn, depth: 0, lock: yield* Effect.makeSemaphore(1), counter: { next: 0 } }
      // If BEGIN fails nothing is open; if it succeeds, every way out below ends the transaction.
      yield* Effect.forEach(deps.begin(options), (sql) => plain(deps, conn, sql), { discard: true }).pipe(
        Effect.onError(() => release)
      )
      const exit = yield* Effect.exit(restore(Effect.locally(effect, deps.current, level)))
      if (Exit.isSuccess(exit)) {
        const committed = yield* Effect.exit(plain(deps, conn, "COMMIT"))
        if (Exit.isSuccess(committed)) {
          yield* release
          return exit.value
        }
        // The COMMIT failed: make sure nothing stays open (SQLite keeps the transaction after a
        // failed COMMIT), then report the COMMIT's own typed error.
        yield* Effect.ignore(plain(deps, conn, "ROLLBACK"))
        yield* release
        return yield* Effect.failCause(committed.cause)
      }
      yield* Effect.ignore(plain(deps, conn, "ROLLBACK"))
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
 * Begins a transaction on a reserved connection and hands it back open: the session holds
 * it from its first statement until commit or rollback. If `scope` closes first, the
 * transaction is rolled back and the connection returned.
 */
export const begin = (deps: Dependencies, options: TransactionOptions = {}): Effect.Effect<Handle, DatabaseError, Scope.Scope> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.gen(function*() {
      const outer = yield* Effect.scope
      const scope = yield* Scope.fork(outer, ExecutionStrategy.sequential)
      let open = true
      const rollback: Effect.Effect<void> = Effect.suspend(() => {
        if (!open) return Effect.void
        open = false
        return Effect.ensuring(Effect.ignore(plain(deps, conn, "ROLLBACK")), Scope.close(scope, Exit.void))
      }).pipe(Effect.uninterruptible)
      const commit: Effect.Effect<void, DatabaseError> = Effect.suspend(() => {
        if (!open) return Effect.void
        open = false
        return Effect.ensuring(
          Effect.tapError(plain(deps, conn, "COMMIT"), () => Effect.ignore(plain(deps, conn, "ROLLBACK"))),
          Scope.close(scope, Exit.void)
        )
      }).pipe(Effect.uninterruptible)
      const conn = yield* restore(deps.classify(Scope.extend(deps.reserve, scope))).pipe(
        Effect.onError(() => Scope.close(scope, Exit.void))
      )
      yield* Effect.forEach(deps.begin(options), (sql) => plain(deps, conn, sql), { discard: true }).pipe(
        Effect.onError(() => Scope.close(scope, Exit.void))
      )
      // Released with the outer scope without a commit: roll back.
      yield* Scope.addFinalizer(outer, rollback)
      const level: Level = { conn, depth: 0, lock: yield* Effect.makeSemaphore(1), counter: { next: 0 } }
      return { level, commit, rollback }
    })
  )

const savepoint = <A, E, R>(deps: Dependencies, parent: Level, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | DatabaseError, R> =>
  // Holding the parent's lock for the whole block keeps siblings from interleaving inside it.
  parent.lock.withPermits(1)(
    Effect.uninterruptibleMask((restore) =>
      Effect.gen(function*() {
        const name = `retort_sp_${++parent.counter.next}`
        yield* plain(deps, parent.conn, `SAVEPOINT ${name}`)
        const level: Level = { conn: parent.conn, depth: parent.depth + 1, lock: yield* Effect.makeSemaphore(1), counter: parent.counter }
        const exit = yield* Effect.exit(restore(Effect.locally(effect, deps.current, level)))
        if (Exit.isSuccess(exit)) {
          yield* plain(deps, parent.conn, `RELEASE SAVEPOINT ${name}`)
          return exit.value
        }
        yield* Effect.ignore(plain(deps, parent.conn, `ROLLBACK TO SAVEPOINT ${name}`))
        yield* Effect.ignore(plain(deps, parent.conn, `RELEASE SAVEPOINT ${name}`))
        return yield* exit
      })
    )
  )
