/**
 * What surrounds a migrator's run: one held connection, the lock that keeps other migrators
 * out (PostgreSQL's session-level `pg_advisory_lock`, MariaDB's `GET_LOCK`, both on the held
 * connection; SQLite's write transaction, `BEGIN IMMEDIATE`, around the whole run), and on
 * SQLite foreign-key enforcement turned off for the run (it cannot change inside a
 * transaction, and table rebuilds need it off) and restored after.
 *
 * SQLite's write lock is polled: with the connection's busy_timeout at 0 for the run,
 * `BEGIN IMMEDIATE` fails at once while another connection writes, and is tried again every
 * 100 ms until the migrator's lock timeout. The driver's own wait would block the whole
 * process (better-sqlite3 is synchronous), the other migrator with it if it runs in the same
 * process, and would give up after busy_timeout instead of the migrator's lock timeout.
 *
 * Callers: src/Migrator.ts.
 */
import { Effect, type Scope } from "effect"
import type * as Engine from "../../Engine.js"
import { type DatabaseError, MigrationError } from "../../Errors.js"
import { migrateHooks } from "../../dialect/migrate/index.js"
import { withConnection } from "../heldConnection.js"

export interface RunContext {
  /** Foreign keys were enforced before the run: each migration is checked with `foreign_key_check` before it commits. */
  readonly checkForeignKeys: string | undefined
  /** The whole run is one transaction (SQLite): each migration is a savepoint in it. */
  readonly wholeRun: boolean
}

const lockTimeout = (millis: number): MigrationError =>
  new MigrationError({
    message: `another migrator has held the migration lock for more than ${millis} ms`,
    reason: "LockTimeout",
    migration: undefined
  })

/** Takes the session lock on the held connection, waiting at most `timeoutMillis`, and releases it when the scope closes. */
const sessionLock = (engine: Engine.Engine, timeoutMillis: number) =>
  Effect.gen(function*() {
    const lock = migrateHooks(engine.dialect.name).lock
    if (lock._tag !== "session") return
    const attempt = (seconds: number) => {
      const { sql, params } = lock.tryLock(seconds)
      return Effect.map(engine.execute(sql, params), lock.taken)
    }
    let taken: boolean
    if (lock.waits) {
      taken = yield* attempt(Math.max(0, Math.ceil(timeoutMillis / 1000)))
    } else {
      const deadline = Date.now() + timeoutMillis
      taken = yield* attempt(0)
      while (!taken && Date.now() < deadline) {
        yield* Effect.sleep("100 millis")
        taken = yield* attempt(0)
      }
    }
    if (!taken) return yield* lockTimeout(timeoutMillis)
    yield* Effect.addFinalizer(() => Effect.ignore(engine.execute(lock.unlock.sql, lock.unlock.params)))
  })

/**
 * `body` in one serializable (SQLite: IMMEDIATE) transaction, begun again every 100 ms while
 * another connection holds the write lock, at most `timeoutMillis`. Only the lock refused at
 * BEGIN is retried: nothing of `body` has run then.
 */
const polledTransaction = <A, E, R>(
  engine: Engine.Engine,
  busy: { readonly read: string; readonly set: (millis: number) => string },
  timeoutMillis: number,
  body: Effect.Effect<A, E, R>
): Effect.Effect<A, E | DatabaseError | MigrationError, R | Scope.Scope> =>
  Effect.gen(function*() {
    const previous = Number((yield* engine.execute(busy.read))[0]?.["timeout"] ?? 0)
    yield* engine.execute(busy.set(0))
    yield* Effect.addFinalizer(() => Effect.ignore(engine.execute(busy.set(previous))))
    const deadline = Date.now() + timeoutMillis
    let begun = false
    const attempt: Effect.Effect<A, E | DatabaseError | MigrationError, R> = engine.transaction(
      Effect.suspend(() => {
        begun = true
        return body
      }),
      { isolation: "serializable" }
    ).pipe(
      Effect.catchIf(
        (e): e is DatabaseError => !begun && typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "LockTimeout",
        () => (Date.now() < deadline ? Effect.zipRight(Effect.sleep("100 millis"), Effect.suspend(() => attempt)) : Effect.fail(lockTimeout(timeoutMillis)))
      )
    )
    return yield* attempt
  })

/**
 * Runs `body` guarded: on one held connection, under the lock, foreign keys off where the
 * dialect needs it. `body` is the whole run; on SQLite it runs in one transaction (the lock).
 */
export const guarded = <A, E, R>(
  engine: Engine.Engine,
  timeoutMillis: number,
  body: (context: RunContext) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | DatabaseError | MigrationError, R> => {
  const hooks = migrateHooks(engine.dialect.name)
  return withConnection(
    engine,
    Effect.scoped(Effect.gen(function*() {
      let wasOn = false
      const fk = hooks.foreignKeys
      if (fk !== undefined) {
        const rows = yield* engine.execute(fk.read)
        wasOn = Number(rows[0]?.["foreign_keys"]) === 1
        if (wasOn) {
          yield* engine.execute(fk.off)
          yield* Effect.addFinalizer(() => Effect.ignore(engine.execute(fk.on)))
        }
      }
      yield* sessionLock(engine, timeoutMillis)
      const context: RunContext = { checkForeignKeys: wasOn ? fk?.check : undefined, wholeRun: hooks.lock._tag === "transaction" }
      if (hooks.lock._tag === "session") return yield* body(context)
      return yield* polledTransaction(engine, hooks.lock.busyTimeout, timeoutMillis, body(context))
    }))
  )
}
