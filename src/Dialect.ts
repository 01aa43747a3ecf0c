/**
 * What differs between databases, seen from the outside: a dialect's name, its
 * capability flags and its error classifier. The per-database implementations live in
 * `src/dialect/`; nothing else in retort branches on the database.
 *
 * @since 0.1.0
 */
import type { SqlError } from "@effect/sql/SqlError"
import type { DatabaseError } from "./Errors.js"
import type { DatabaseUrl, DialectName } from "./Url.js"
import { mysql } from "./dialect/mysql.js"
import { postgres } from "./dialect/postgres.js"
import { sqlite } from "./dialect/sqlite.js"

export type {
  /**
   * `"sqlite" | "postgresql" | "mysql"`.
   *
   * @example
   * import type { Dialect } from "retort"
   * const name: Dialect.DialectName = "mysql"
   *
   * @since 0.1.0
   * @category models
   */
  DialectName
}

/**
 * What a database can and cannot do, so that shared code and shared test suites
 * branch on a capability rather than on a database name.
 *
 * @example
 * import { Dialect } from "retort"
 * Dialect.postgres.capabilities.transactionalDdl // true
 *
 * @since 0.1.0
 * @category models
 */
export interface Capabilities {
  /** `INSERT … RETURNING`. */
  readonly insertReturning: boolean
  /** `UPDATE … RETURNING`. */
  readonly updateReturning: boolean
  /** `DELETE … RETURNING`. */
  readonly deleteReturning: boolean
  /** DDL inside a transaction is rolled back with it. */
  readonly transactionalDdl: boolean
  /** `SAVEPOINT` / `ROLLBACK TO SAVEPOINT`. */
  readonly savepoints: boolean
  /** Several connections can write at the same time (false for SQLite: one writer). */
  readonly concurrentWriters: boolean
  /** The database aborts one side of a deadlock itself. */
  readonly deadlockDetection: boolean
  /** The database reports serialization failures (40001 or its equivalent). */
  readonly serializationFailures: boolean
  /** `ILIKE`; elsewhere it is emulated with `LOWER(…) LIKE LOWER(…)`. */
  readonly ilike: boolean
  /** A native UUID column type. */
  readonly nativeUuid: boolean
  /** Named enum types (`CREATE TYPE … AS ENUM`). */
  readonly nativeEnum: boolean
  /** A native BOOLEAN type (not a small integer). */
  readonly nativeBoolean: boolean
  /** Binary JSON (`jsonb`). */
  readonly jsonb: boolean
  /** The upsert syntax. */
  readonly upsert: "onConflict" | "onDuplicateKey"
  /** Namespaces inside one database (`CREATE SCHEMA`). */
  readonly schemas: boolean
}

/**
 * What the classifier knows besides the error: where the engine points, to name it
 * in a `ConnectionError` and to keep the password out of every message.
 *
 * @example
 * import { Effect } from "effect"
 * import { Dialect, Url } from "retort"
 * const context: Dialect.ErrorContext = { url: Effect.runSync(Url.parse("sqlite://")) }
 *
 * @since 0.1.0
 * @category models
 */
export interface ErrorContext {
  readonly url: DatabaseUrl
}

/**
 * One database family.
 *
 * @example
 * import { Dialect } from "retort"
 * const names = [Dialect.sqlite, Dialect.postgres, Dialect.mysql].map((d) => d.name)
 *
 * @since 0.1.0
 * @category models
 */
export interface Dialect {
  readonly name: DialectName
  readonly capabilities: Capabilities
  /** Turns a driver failure into one of retort's tagged errors, or leaves it an `SqlError`. */
  readonly classify: (error: SqlError, context: ErrorContext) => DatabaseError
}

export {
  /**
   * MariaDB and MySQL.
   *
   * @example
   * import { Dialect } from "retort"
   * Dialect.mysql.capabilities.upsert // "onDuplicateKey"
   *
   * @since 0.1.0
   * @category dialects
   */
  mysql,
  /**
   * PostgreSQL.
   *
   * @example
   * import { Dialect } from "retort"
   * Dialect.postgres.capabilities.nativeUuid // true
   *
   * @since 0.1.0
   * @category dialects
   */
  postgres,
  /**
   * SQLite, the embedded default.
   *
   * @example
   * import { Dialect } from "retort"
   * Dialect.sqlite.capabilities.concurrentWriters // false
   *
   * @since 0.1.0
   * @category dialects
   */
  sqlite
}

/**
 * The dialect for a name.
 *
 * @example
 * import { Dialect } from "retort"
 * Dialect.byName("postgresql") === Dialect.postgres // true
 *
 * @since 0.1.0
 * @category constructors
 */
export const byName = (name: DialectName): Dialect =>
  name === "sqlite" ? sqlite : name === "postgresql" ? postgres : mysql
