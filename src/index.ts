/**
 * retort: an Effect-native ORM for TypeScript.
 *
 * @since 0.1.0
 */

/**
 * Database dialects: capability flags and error classifiers.
 *
 * @since 0.1.0
 */
export * as Dialect from "./Dialect.js"

/**
 * The engine: a URL, a pool, a scoped Layer.
 *
 * @since 0.1.0
 */
export * as Engine from "./Engine.js"

/**
 * The tagged error family.
 *
 * @since 0.1.0
 */
export * as Errors from "./Errors.js"

/**
 * Database URLs.
 *
 * @since 0.1.0
 */
export * as Url from "./Url.js"

/**
 * Columns.
 *
 * @since 0.1.0
 */
export * as Column from "./Column.js"

/**
 * Timestamps to the microsecond: from and to microseconds and ISO text.
 *
 * @since 0.3.0
 */
export * as Timestamp from "./Timestamp.js"

/**
 * SQL expressions.
 *
 * @since 0.1.0
 */
export * as Expr from "./Expr.js"

/**
 * SQL functions.
 *
 * @since 0.1.0
 */
export * as Fn from "./Fn.js"

/**
 * Sets of tables: DDL and ER diagrams.
 *
 * @since 0.1.0
 */
export * as MetaData from "./MetaData.js"

/**
 * Models.
 *
 * @since 0.1.0
 */
export * as Table from "./Table.js"

/**
 * Computed properties of models: one expression, SQL in queries, JavaScript on instances.
 *
 * @since 0.4.0
 */
export * as Computed from "./Computed.js"

/**
 * Reflection of a live database, models as the same shape, and models as source.
 *
 * @since 0.2.0
 */
export * as Inspect from "./Inspect.js"

/**
 * Queries (Core).
 *
 * @since 0.1.0
 */
export * as Query from "./Query.js"

/**
 * Relationships and loading.
 *
 * @since 0.1.0
 */
export * as Relation from "./Relation.js"

/**
 * The session: identity map, unit of work, transactions.
 *
 * @since 0.1.0
 */
export * as Session from "./Session.js"

/**
 * Events: model and session hooks, as Effects.
 *
 * @since 0.3.0
 */
export * as Events from "./Events.js"

/**
 * Test layers.
 *
 * @since 0.1.0
 */
export * as Testing from "./Testing.js"

/**
 * Migrations: operations compiled per dialect.
 *
 * @since 0.2.0
 */
export * as Migration from "./Migration.js"

/**
 * The migrator: up, down, status, history and lock.
 *
 * @since 0.2.0
 */
export * as Migrator from "./Migrator.js"
