/**
 * What differs between databases, seen from the outside: a dialect's name, its
 * capability flags and its error classifier. The per-database implementations live in
 * `src/dialect/`; nothing else in retort branches on the database.
 *
 * @module
 * @since 0.1.0
 */
import type { SqlError } from "@effect/sql/SqlError"
import type { ColumnType } from "./Column.js"
import type { DatabaseError } from "./Errors.js"
import type { Func, JsonAs, Literal, SetOperator } from "./internal/ast/nodes.js"
import type { ValueHooks } from "./internal/values.js"
import type { DatabaseUrl, DialectName } from "./Url.js"
import { mysql } from "./dialect/mysql.js"
import { postgres } from "./dialect/postgres.js"
import { sqlite } from "./dialect/sqlite.js"

export type {
  /**
   * `"sqlite" | "postgresql" | "mysql"`.
   *
   * @example
   * import type { Dialect } from "retort-orm"
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
 * import { Dialect } from "retort-orm"
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
 * import { Dialect, Url } from "retort-orm"
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
 * import { Dialect } from "retort-orm"
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
  /** How values are bound and read. */
  readonly values: ValueHooks
  /** How DDL is spelled. */
  readonly ddl: DdlHooks
  /** How statements are spelled. */
  readonly compiler: CompilerHooks
}

/**
 * How a dialect spells statements: the hooks of the shared compiler (`src/internal/compiler.ts`).
 *
 * @example
 * import { Dialect } from "retort-orm"
 * Dialect.postgres.compiler.placeholder(1) // "$1"
 *
 * @since 0.1.0
 * @category models
 */
export interface CompilerHooks {
  /** The placeholder of the `index`-th parameter (from 1). */
  readonly placeholder: (index: number) => string
  /** Placeholders are numbered, so one parameter can appear in several places (`$1`). */
  readonly numberedPlaceholders: boolean
  /** The most parameters one statement may bind; multi-row inserts are split below it. */
  readonly maxParameters: number
  /** LIMIT / OFFSET (their placeholders), including an OFFSET without a LIMIT. */
  readonly limitOffset: (limit: string | undefined, offset: string | undefined) => string
  /** An INSERT of a row that leaves every column to its default. */
  readonly insertDefaults: (quotedTable: string) => string
  /**
   * The statement that moves an identity sequence past ids inserted explicitly, where the
   * database does not do it by itself (PostgreSQL); `undefined` elsewhere.
   */
  readonly syncIdentity: ((table: string, column: string) => { readonly sql: string; readonly params: ReadonlyArray<unknown> }) | undefined
  /** A case-sensitive `LIKE` (SQLite and MariaDB compare case-insensitively by default). */
  readonly like: (operand: string, pattern: string) => string
  /** A case-insensitive `LIKE`. */
  readonly ilike: (operand: string, pattern: string) => string
  /** String concatenation of rendered parts. */
  readonly concat: (parts: ReadonlyArray<string>) => string
  /** The length of a text in characters (code points), not bytes. @since 0.4.0 */
  readonly charLength: (text: string) => string
  /** One ORDER BY term, with NULLS FIRST / LAST where asked (emulated where missing). */
  readonly orderTerm: (expression: string, direction: "ASC" | "DESC", nulls: "first" | "last" | undefined) => string
  /** The ON CONFLICT / ON DUPLICATE KEY clause of an upsert; `set` is empty for "do nothing". */
  readonly upsert: (target: ReadonlyArray<string>, set: ReadonlyArray<readonly [column: string, value: string]>, primaryKey: ReadonlyArray<string>) => string
  /** In an upsert's update, the value the inserted row would have had. */
  readonly excluded: (column: string) => string
  /**
   * A constant's placeholder, typed where the database cannot infer it (PostgreSQL reads an
   * untyped parameter in a select list as text).
   */
  readonly typedLiteral: (placeholder: string, type: ColumnType) => string
  /** An enum value used as text (PostgreSQL enums have no LIKE or LOWER). */
  readonly enumAsText: (expression: string) => string
  /**
   * The statements that begin a transaction with these options. The isolation level has
   * been checked against the closed set; each dialect spells it from a fixed table.
   */
  readonly begin: (options: TransactionSettings) => ReadonlyArray<string>
  /** The statements that undo what `begin` set on the connection, run after COMMIT or ROLLBACK. */
  readonly end: (options: TransactionSettings) => ReadonlyArray<string>
  /**
   * A tenant's transaction: the statements (bound) that make `schema` the one of unqualified
   * tables and apply `settings` for the transaction only, and those that undo what outlives
   * it; or the reason the database has no such thing. `database` is the URL's.
   */
  readonly tenant: (
    schema: string | undefined,
    settings: ReadonlyArray<readonly [name: string, value: string]>,
    database: string | undefined
  ) => TenantStatements | string
  /** The number of rows an INSERT, UPDATE or DELETE changed, from the driver's raw result. */
  readonly affectedRows: (raw: unknown) => number
  // --- selects (issue 14)
  /** A compound's set operator; throws `ValueError` for one the database lacks (SQLite: INTERSECT ALL, EXCEPT ALL). */
  readonly setOperator: (op: SetOperator) => string
  /** The row-lock clause that ends a SELECT (with its leading space); throws `ValueError` where it cannot be honoured. */
  readonly lock: (lock: LockClause) => string
  // --- expressions (issue 14)
  /** The rows of a tuple `IN (…)` list, each already `(a, b)` (SQLite takes them only as `VALUES …`). */
  readonly rowValues: (rows: ReadonlyArray<string>) => string
  /** `left IS [NOT] DISTINCT FROM right` (`negated`: NOT DISTINCT, equal with NULLs equal). */
  readonly isDistinctFrom: (left: string, right: string, negated: boolean) => string
  /**
   * `CAST(expression AS …)` to a retort column type, or the reason the database cannot cast
   * to it (the compiler fails with it, naming the dialect).
   */
  readonly cast: (expression: string, type: ColumnType) => string | { readonly refused: string }
  /** A regular expression match, case-sensitive unless asked. */
  readonly regexpMatch: (operand: string, pattern: string, caseInsensitive: boolean) => string
  /** Replaces every match of a regular expression. */
  readonly regexpReplace: (operand: string, pattern: string, replacement: string, caseInsensitive: boolean) => string
  /** A number as a double, so that `/` divides exactly (no integer truncation). */
  readonly toFloat: (expression: string) => string
  /** Integer division truncating toward zero, and its remainder (sign of the dividend). */
  readonly intDivide: (left: string, right: string) => string
  readonly intRemainder: (left: string, right: string) => string
  // --- writes (issue 14)
  /**
   * Where the WITH clause of an UPDATE, DELETE or INSERT … SELECT goes. `"statement"`: one
   * clause before the statement. `"subquery"` (MariaDB, which takes no WITH before UPDATE or
   * DELETE): each outermost subquery carries the WITH of the CTEs it uses, and a CTE used
   * directly as a source becomes a derived table that carries its own.
   */
  readonly writeCtes: "statement" | "subquery"
  /** An UPDATE with other sources (`UPDATE … FROM`, or MariaDB's multi-table UPDATE). */
  readonly updateFrom: (parts: WriteParts & { readonly set: () => ReadonlyArray<readonly [column: string, value: string]> }) => string
  /**
   * A DELETE with other sources (`DELETE … USING`, MariaDB's multi-table DELETE, or a
   * correlated EXISTS where neither exists). `returning`: a RETURNING clause follows, so the
   * form must be one that takes it.
   */
  readonly deleteUsing: (parts: WriteParts & { readonly returning: boolean }) => string
  /** The SELECT of an INSERT … SELECT followed by an upsert clause (SQLite needs a WHERE to parse it). */
  readonly upsertSelect: (select: string) => string
  /**
   * A column the upsert clause of an INSERT … SELECT assigns (MariaDB qualifies it with the
   * table: a table of the SELECT may have a column of the same name).
   */
  readonly upsertSelectColumn: (table: string, column: string) => string
  // --- JSON and windows (issue 14)
  /**
   * The value at `path` (keys and array indexes) in a JSON document: the JSON value itself
   * (`as: "json"`, read back as JSON text), or a scalar of one JSON type, NULL for a value
   * of any other type; NULL for a path that is not there. `json()` renders the document and
   * `bind.text` binds a text parameter (a path's keys and indexes are never SQL text). Each
   * call renders anew and binds again: with `?` placeholders call them once per use; with
   * numbered placeholders the text of one call may be used twice.
   */
  readonly jsonGet: (
    json: () => string,
    path: ReadonlyArray<string | number>,
    as: JsonAs,
    bind: { readonly text: (value: string) => string }
  ) => string
  /**
   * `LAG` / `LEAD` over a window: `value()` and `fallback()` render the arguments, `offset`
   * is a checked non-negative integer, `window()` the window's specification and
   * `partition()` its PARTITION BY alone (both render anew at each call, as in `jsonGet`).
   * MariaDB takes no default argument: it is emulated from the row's position in its partition.
   */
  readonly lagLead: (call: {
    readonly name: "LAG" | "LEAD"
    readonly value: () => string
    readonly offset: number
    readonly fallback: (() => string) | undefined
    readonly window: () => string
    readonly partition: () => string
  }) => string
}

/**
 * A select's row lock, as the dialect hook sees it: `of` holds the quoted names of the
 * sources whose rows are locked (empty: every table read).
 *
 * @example
 * import { Dialect } from "retort-orm"
 * const clause: Dialect.LockClause = { strength: "update", wait: "skipLocked", of: [] }
 * Dialect.postgres.compiler.lock(clause) // " FOR UPDATE SKIP LOCKED"
 *
 * @since 0.3.0
 * @category models
 */
export interface LockClause {
  readonly strength: "update" | "share"
  readonly wait: "nowait" | "skipLocked" | undefined
  readonly of: ReadonlyArray<string>
}

/**
 * The parts of an UPDATE or DELETE with other sources, for the dialect to arrange. Each
 * part is rendered when called, binding its parameters: a hook calls them in the order it
 * writes them, so placeholders stay in order.
 *
 * @example
 * import type { Dialect } from "retort-orm"
 * const using = (p: Dialect.WriteParts) => `DELETE FROM ${p.table} USING ${p.sources().join(", ")}`
 *
 * @since 0.3.0
 * @category models
 */
export interface WriteParts {
  /** The target table, quoted. */
  readonly table: string
  /** The other sources, rendered (`"o"`, `"t" AS "m"`, `(SELECT …) AS "x"`). */
  readonly sources: () => ReadonlyArray<string>
  /** The WHERE condition, rendered; `undefined` without one. */
  readonly where: (() => string) | undefined
}

/**
 * What puts a transaction in a tenant's schema and settings: statements run after BEGIN
 * (with bound parameters), and statements run after it ends.
 *
 * @example
 * import type { Dialect } from "retort-orm"
 * const tenant: Dialect.TenantStatements = { begin: [{ sql: "SELECT set_config($1, $2, true)", params: ["app.tenant_id", "7"] }], end: [] }
 *
 * @since 0.4.0
 * @category models
 */
export interface TenantStatements {
  readonly begin: ReadonlyArray<{ readonly sql: string; readonly params: ReadonlyArray<unknown> }>
  readonly end: ReadonlyArray<string>
}

/**
 * A transaction's options once checked: an isolation level from the closed set, read-only
 * or not, and a tenant's schema and settings.
 *
 * @example
 * import type { Dialect } from "retort-orm"
 * const settings: Dialect.TransactionSettings = { isolation: "serializable", readOnly: false }
 *
 * @since 0.2.0
 * @category models
 */
export interface TransactionSettings {
  readonly isolation: "read uncommitted" | "read committed" | "repeatable read" | "serializable" | undefined
  readonly readOnly: boolean
  readonly schema?: string | undefined
  readonly settings?: ReadonlyArray<readonly [name: string, value: string]> | undefined
}

/**
 * How a dialect spells DDL: the hooks the shared DDL compiler (`src/internal/ddl.ts`) calls.
 *
 * @example
 * import { Dialect } from "retort-orm"
 * Dialect.postgres.ddl.quote("user") // "\"user\""
 *
 * @since 0.1.0
 * @category models
 */
export interface DdlHooks {
  /** Quotes an identifier. */
  readonly quote: (identifier: string) => string
  /** The column type for a column type descriptor (`enumName`: the PostgreSQL enum a literal column uses). */
  readonly columnType: (type: ColumnType, enumName: string) => string
  /** An autoincremented column: its type (SQLite needs exactly INTEGER) and the clause that follows NOT NULL. */
  readonly autoIncrement: (type: ColumnType) => { readonly type: string; readonly clause: string }
  /** A function call in a server default. */
  readonly call: (call: Func, type: ColumnType | undefined) => string
  /** A constant inline in DDL. */
  readonly literal: (literal: Literal) => string
  /** Literal columns become enum types (PostgreSQL); elsewhere a CHECK constraint. */
  readonly enumTypes: boolean
  /** An idempotent CREATE TYPE … AS ENUM. */
  readonly createEnum: (name: string, values: ReadonlyArray<string>) => string
  readonly dropEnum: (name: string) => string
  /** Appended to CREATE TABLE (MariaDB: engine and character set). */
  readonly tableSuffix: string
  /** Foreign keys can be added after creation (false on SQLite, which needs none: it checks references lazily). */
  readonly alterForeignKeys: boolean
  /** An idempotent ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY. */
  readonly addForeignKey: (table: string, name: string, definition: string) => string
  /** ALTER TABLE … DROP the foreign key, if the table and the constraint exist. */
  readonly dropForeignKey: (table: string, name: string) => string
  /** The longest identifier the database keeps. */
  readonly maxIdentifierLength: number
  /** Statements around dropping tables whose foreign keys form a cycle (SQLite turns enforcement off). */
  readonly aroundCyclicDrop: { readonly before: ReadonlyArray<string>; readonly after: ReadonlyArray<string> }
}

export {
  /**
   * MariaDB and MySQL.
   *
   * @example
   * import { Dialect } from "retort-orm"
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
   * import { Dialect } from "retort-orm"
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
   * import { Dialect } from "retort-orm"
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
 * import { Dialect } from "retort-orm"
 * Dialect.byName("postgresql") === Dialect.postgres // true
 *
 * @since 0.1.0
 * @category constructors
 */
export const byName = (name: DialectName): Dialect =>
  name === "sqlite" ? sqlite : name === "postgresql" ? postgres : mysql
