/**
 * retort's error family. Every class is a tagged error, so programs recover with
 * `Effect.catchTag("UniqueViolation", …)` and the compiler tracks what is left.
 *
 * Driver errors are classified per dialect (see `src/dialect/*.ts`); what no class
 * fits stays the `SqlError` of `@effect/sql`, with the driver error as its `cause`.
 *
 * @module
 * @since 0.1.0
 */
import { SqlError } from "@effect/sql/SqlError"
import { Data, Predicate } from "effect"

export {
  /**
   * The error of `@effect/sql` for anything retort does not classify further.
   *
   * @example
   * import { Effect } from "effect"
   * import { Errors } from "retort-orm"
   * const recover = Effect.catchTag("SqlError", (e: Errors.SqlError) => Effect.log(e.message))
   *
   * @since 0.1.0
   * @category errors
   */
  SqlError
}

/**
 * Which database produced an error.
 *
 * @example
 * import type { Errors } from "retort-orm"
 * const d: Errors.DialectName = "sqlite"
 *
 * @since 0.1.0
 * @category models
 */
export type DialectName = "sqlite" | "postgresql" | "mysql"

/**
 * What a constraint error knows about the constraint. Each field is filled where the
 * database reports it: PostgreSQL reports nearly everything, SQLite the table and
 * columns, MariaDB the constraint name and, for foreign keys, table and columns.
 *
 * @example
 * import type { Errors } from "retort-orm"
 * const where = (e: Errors.ConstraintFields) => `${e.table ?? "?"}(${e.columns.join(", ")})`
 *
 * @since 0.1.0
 * @category models
 */
export interface ConstraintFields {
  readonly message: string
  readonly dialect: DialectName
  readonly table: string | undefined
  readonly constraint: string | undefined
  readonly columns: ReadonlyArray<string>
  /** The driver's own error. */
  readonly cause: unknown
}

/**
 * A row would duplicate a unique key or primary key.
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const onDuplicate = Effect.catchTag("UniqueViolation", (e: Errors.UniqueViolation) => Effect.succeed(e.columns))
 *
 * @since 0.1.0
 * @category errors
 */
export class UniqueViolation extends Data.TaggedError("UniqueViolation")<ConstraintFields> {}

/**
 * A row would reference a missing parent, or a parent still has children.
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const onMissingParent = Effect.catchTag("ForeignKeyViolation", (e: Errors.ForeignKeyViolation) => Effect.succeed(e.constraint))
 *
 * @since 0.1.0
 * @category errors
 */
export class ForeignKeyViolation extends Data.TaggedError("ForeignKeyViolation")<ConstraintFields> {}

/**
 * A NOT NULL column was given no value.
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const onNull = Effect.catchTag("NotNullViolation", (e: Errors.NotNullViolation) => Effect.succeed(e.columns))
 *
 * @since 0.1.0
 * @category errors
 */
export class NotNullViolation extends Data.TaggedError("NotNullViolation")<ConstraintFields> {}

/**
 * A CHECK constraint rejected a row.
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const onCheck = Effect.catchTag("CheckViolation", (e: Errors.CheckViolation) => Effect.succeed(e.constraint))
 *
 * @since 0.1.0
 * @category errors
 */
export class CheckViolation extends Data.TaggedError("CheckViolation")<ConstraintFields> {}

/**
 * The fields of the retryable concurrency errors.
 *
 * @example
 * import type { Errors } from "retort-orm"
 * const show = (e: Errors.ConcurrencyFields) => `${e.dialect}: ${e.message}`
 *
 * @since 0.1.0
 * @category models
 */
export interface ConcurrencyFields {
  readonly message: string
  readonly dialect: DialectName
  readonly cause: unknown
}

/**
 * The database could not serialize this transaction with a concurrent one
 * (PostgreSQL 40001, SQLite `SQLITE_BUSY_SNAPSHOT`). Retrying the whole transaction is safe.
 *
 * @example
 * import { Effect, Schedule } from "effect"
 * import { Errors } from "retort-orm"
 * const retry = Effect.retry({ while: (e: { _tag: string }) => e._tag === "SerializationFailure", times: 3 })
 *
 * @since 0.1.0
 * @category errors
 */
export class SerializationFailure extends Data.TaggedError("SerializationFailure")<ConcurrencyFields> {}

/**
 * The database broke a deadlock by aborting this transaction (PostgreSQL 40P01, MariaDB 1213).
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const onDeadlock = Effect.catchTag("DeadlockDetected", (e: Errors.DeadlockDetected) => Effect.log(e.message))
 *
 * @since 0.1.0
 * @category errors
 */
export class DeadlockDetected extends Data.TaggedError("DeadlockDetected")<ConcurrencyFields> {}

/**
 * A lock was not granted in time (SQLite `SQLITE_BUSY`, MariaDB 1205, PostgreSQL 55P03).
 * An extension of the DESIGN error list: it is neither a deadlock nor a serialization
 * failure, and is retryable like them.
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const onBusy = Effect.catchTag("LockTimeout", (e: Errors.LockTimeout) => Effect.log(e.message))
 *
 * @since 0.1.0
 * @category errors
 */
export class LockTimeout extends Data.TaggedError("LockTimeout")<ConcurrencyFields> {}

/**
 * The database could not be reached, refused the login, or dropped the connection.
 * Names host, port and database (the file, for SQLite); never the password.
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const onDown = Effect.catchTag("ConnectionError", (e: Errors.ConnectionError) => Effect.log(`${e.host}:${e.port}`))
 *
 * @since 0.1.0
 * @category errors
 */
export class ConnectionError extends Data.TaggedError("ConnectionError")<{
  readonly message: string
  readonly dialect: DialectName
  readonly host: string | undefined
  readonly port: number | undefined
  readonly database: string | undefined
  readonly cause: unknown
}> {}

/**
 * A query that must return a row returned none (`.one`).
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const orDefault = Effect.catchTag("NoResultFound", (_: Errors.NoResultFound) => Effect.succeed(null))
 *
 * @since 0.1.0
 * @category errors
 */
export class NoResultFound extends Data.TaggedError("NoResultFound")<{
  readonly message: string
  readonly table: string | undefined
}> {}

/**
 * A query that must return one row returned several (`.one`).
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const onMany = Effect.catchTag("MultipleResultsFound", (e: Errors.MultipleResultsFound) => Effect.log(e.message))
 *
 * @since 0.1.0
 * @category errors
 */
export class MultipleResultsFound extends Data.TaggedError("MultipleResultsFound")<{
  readonly message: string
  readonly table: string | undefined
}> {}

/**
 * An UPDATE or DELETE guarded by a version column matched no row: someone else
 * changed or deleted it first (optimistic locking).
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const onLostUpdate = Effect.catchTag("StaleDataError", (e: Errors.StaleDataError) => Effect.log(e.message))
 *
 * @since 0.1.0
 * @category errors
 */
export class StaleDataError extends Data.TaggedError("StaleDataError")<{
  readonly message: string
  readonly table: string
  readonly expected: number
  readonly actual: number
}> {}

/**
 * A statement ran past the engine's `statementTimeout` (or an `Effect.timeout` around it):
 * it was cancelled on the server and its connection destroyed. SQLite statements cannot be
 * preempted, so SQLite never fails with it.
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const onSlow = Effect.catchTag("StatementTimeout", (e: Errors.StatementTimeout) => Effect.log(e.message))
 *
 * @since 0.2.0
 * @category errors
 */
export class StatementTimeout extends Data.TaggedError("StatementTimeout")<{
  readonly message: string
  readonly dialect: DialectName
  /** The bound that was exceeded, in milliseconds. */
  readonly timeoutMillis: number
  readonly cause: unknown
}> {}

/**
 * A write inside a read-only transaction (`{ readOnly: true }`), refused by the database.
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const onRefused = Effect.catchTag("ReadOnlyViolation", (e: Errors.ReadOnlyViolation) => Effect.log(e.message))
 *
 * @since 0.2.0
 * @category errors
 */
export class ReadOnlyViolation extends Data.TaggedError("ReadOnlyViolation")<{
  readonly message: string
  readonly dialect: DialectName
  readonly cause: unknown
}> {}

/**
 * The connection was lost after COMMIT was sent and before the database answered: the
 * transaction may or may not have been committed. Never retried by the `retry` option,
 * since retrying a committed transaction writes twice; check the data, then decide.
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const onUnknown = Effect.catchTag("CommitOutcomeUnknown", (e: Errors.CommitOutcomeUnknown) => Effect.logWarning(e.message))
 *
 * @since 0.2.0
 * @category errors
 */
export class CommitOutcomeUnknown extends Data.TaggedError("CommitOutcomeUnknown")<{
  readonly message: string
  readonly dialect: DialectName
  /** The error that ended the COMMIT (a lost connection, or the bound on ending a transaction). */
  readonly cause: unknown
}> {}

/**
 * An option given at run time that retort cannot use: an isolation level outside the
 * closed set, a read-only flag that is not a boolean… Raised before any statement is sent;
 * names the option and the value it was given.
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const onBadOption = Effect.catchTag("OptionError", (e: Errors.OptionError) => Effect.log(`${e.option}: ${e.message}`))
 *
 * @since 0.2.0
 * @category errors
 */
export class OptionError extends Data.TaggedError("OptionError")<{
  readonly message: string
  readonly option: string
  readonly value: string
}> {}

/**
 * Rows to write in one flush whose foreign keys form a cycle with no nullable column to
 * break it: none of them can be inserted (or deleted) before the others. `cycle` names
 * each foreign key of the cycle as `table.column → table.column`. A cycle with a nullable
 * foreign key is written without this error: that key is inserted NULL, then updated.
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const onCycle = Effect.catchTag("CircularDependencyError", (e: Errors.CircularDependencyError) => Effect.log(e.cycle.join(", ")))
 *
 * @since 0.1.0
 * @category errors
 */
export class CircularDependencyError extends Data.TaggedError("CircularDependencyError")<{
  readonly message: string
  /** The tables of the cycle. */
  readonly tables: ReadonlyArray<string>
  /** Its foreign keys, as `table.column → table.column`. */
  readonly cycle: ReadonlyArray<string>
}> {}

/**
 * A lazy load refused by a session made with `lazyLoad: "raise"`: the relation was not
 * loaded with the query (`.with({ … })`), so loading it now would be one more query,
 * the start of an N+1. Load it eagerly instead, or use a `"batch"` session.
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const onRefused = Effect.catchTag("LazyLoadRefused", (e: Errors.LazyLoadRefused) => Effect.logWarning(`${e.model}.${e.relation}`))
 *
 * @since 0.3.0
 * @category errors
 */
export class LazyLoadRefused extends Data.TaggedError("LazyLoadRefused")<{
  readonly message: string
  /** The relation's name: its kind and the two models, as `oneToMany User -> Post`. */
  readonly relation: string
  /** The model of the instance whose relation was loaded. */
  readonly model: string
}> {}

/**
 * The errors a statement can fail with once classified.
 *
 * @example
 * import type { Errors } from "retort-orm"
 * const tagOf = (e: Errors.DatabaseError) => e._tag
 *
 * @since 0.1.0
 * @category models
 */
export type DatabaseError =
  | UniqueViolation
  | ForeignKeyViolation
  | NotNullViolation
  | CheckViolation
  | SerializationFailure
  | DeadlockDetected
  | LockTimeout
  | ConnectionError
  | StatementTimeout
  | ReadOnlyViolation
  | CommitOutcomeUnknown
  | OptionError
  | SqlError

/**
 * True for the errors after which retrying the whole transaction may succeed.
 *
 * @example
 * import { Effect, Schedule } from "effect"
 * import { Errors } from "retort-orm"
 * const withRetry = <A, R>(self: Effect.Effect<A, Errors.DatabaseError, R>) =>
 *   Effect.retry(self, { while: Errors.isRetryable, schedule: Schedule.exponential("10 millis"), times: 5 })
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRetryable = (error: unknown): error is SerializationFailure | DeadlockDetected | LockTimeout =>
  Predicate.isTagged(error, "SerializationFailure") ||
  Predicate.isTagged(error, "DeadlockDetected") ||
  Predicate.isTagged(error, "LockTimeout")

/**
 * A model or a `MetaData` that cannot work: two fields on one column name, a foreign key
 * to a column that is not unique, a table missing from its `MetaData`… Thrown when a
 * model class is defined (a program that defines it cannot run), and in the error
 * channel of `MetaData.createAll`.
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const onBadSchema = Effect.catchTag("DefinitionError", (e: Errors.DefinitionError) => Effect.die(e))
 *
 * @since 0.1.0
 * @category errors
 */
export class DefinitionError extends Data.TaggedError("DefinitionError")<{
  readonly message: string
  readonly table: string | undefined
  readonly column: string | undefined
}> {}

/**
 * A value read from the database that its column cannot decode (text in an integer
 * column on SQLite, JSON that does not match its schema). Names the table, the column
 * and the offending value.
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const onBadRow = Effect.catchTag("DecodeError", (e: Errors.DecodeError) => Effect.log(`${e.table}.${e.column}: ${e.value}`))
 *
 * @since 0.1.0
 * @category errors
 */
export class DecodeError extends Data.TaggedError("DecodeError")<{
  readonly message: string
  readonly table: string
  readonly column: string
  /** The offending value, described (long values are shortened). */
  readonly value: string
}> {}

/**
 * A value that cannot be written to its column: it fails the column's Schema (a string
 * longer than `length`, JSON that its schema rejects), a required field is missing, or
 * the database would not store it exactly (a decimal with more digits than the column's
 * scale, NaN where the database has none, a lone UTF-16 surrogate, a year out of range).
 * Also a statement that cannot be built from its input (a LIKE escape of two characters).
 *
 * @example
 * import { Effect } from "effect"
 * import { Errors } from "retort-orm"
 * const onBadInput = Effect.catchTag("EncodeError", (e: Errors.EncodeError) => Effect.log(e.message, e.column, e.value))
 *
 * @since 0.1.0
 * @category errors
 */
export class EncodeError extends Data.TaggedError("EncodeError")<{
  readonly message: string
  readonly table: string
  readonly column: string | undefined
  /** The refused value, described (long values are shortened), when one value is to blame. */
  readonly value?: string | undefined
}> {}

/**
 * A migration that cannot run: its module did not load or export one (`LoadFailed`), an
 * applied migration was edited (`ChecksumMismatch`), a target id is not known
 * (`UnknownTarget`), a migration applied here is no longer in the source (`MissingSource`),
 * it has no `down` (`Irreversible`), another migrator holds the lock for too long
 * (`LockTimeout`), an operation does not apply (`InvalidOperation`: a column that does not
 * exist, nothing to change), or it failed while running (`Failed`, the database error as
 * `cause`).
 *
 * @example
 * import { Effect } from "effect"
 * import type { Errors } from "retort-orm"
 * const explain = Effect.catchTag("MigrationError", (e: Errors.MigrationError) => Effect.logError(`${e.reason} ${e.migration ?? ""}: ${e.message}`))
 *
 * @since 0.2.0
 * @category errors
 */
export class MigrationError extends Data.TaggedError("MigrationError")<{
  readonly message: string
  readonly reason:
    | "ChecksumMismatch"
    | "UnknownTarget"
    | "LoadFailed"
    | "MissingSource"
    | "Failed"
    | "Irreversible"
    | "LockTimeout"
    | "InvalidOperation"
  /** The migration's id, when one migration is to blame. */
  readonly migration: string | undefined
  readonly cause?: unknown
}> {}

// --- Events (issue 15, part 5) ---

/**
 * The names of the hooks of `Events`: per model (`beforeInsert` … `afterDelete`) and per
 * session (`beforeFlush` … `afterRollback`).
 *
 * @example
 * import type { Errors } from "retort-orm"
 * const name: Errors.HookName = "beforeInsert"
 *
 * @since 0.3.0
 * @category models
 */
export type HookName =
  | "beforeInsert"
  | "afterInsert"
  | "beforeUpdate"
  | "afterUpdate"
  | "beforeDelete"
  | "afterDelete"
  | "beforeFlush"
  | "afterFlush"
  | "beforeCommit"
  | "afterCommit"
  | "afterRollback"

/**
 * A hook registered with `Events` failed: its own error is the `cause`. A failure in a
 * flush (or before COMMIT) rolls the transaction back; one in `afterCommit` leaves the
 * data committed.
 *
 * @example
 * import { Effect } from "effect"
 * import type { Errors } from "retort-orm"
 * const onHook = Effect.catchTag("HookFailed", (e: Errors.HookFailed) => Effect.log(e.hook, e.table, e.cause))
 *
 * @since 0.3.0
 * @category errors
 */
export class HookFailed extends Data.TaggedError("HookFailed")<{
  readonly message: string
  readonly hook: HookName
  /** The table of a model hook; `undefined` for a session hook. */
  readonly table: string | undefined
  /** The hook's own error, as it failed with it. */
  readonly cause: unknown
}> {}
