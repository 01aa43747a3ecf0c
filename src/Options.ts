/**
 * Engine options: connection pool settings and statement echo.
 *
 * @since 0.1.0
 */
import type { Duration } from "effect"

/**
 * Connection pool settings, mapped onto each driver:
 *
 * | option | PostgreSQL (node-postgres) | MariaDB (mysql2) | SQLite (better-sqlite3) |
 * |---|---|---|---|
 * | `size` | `max` | `connectionLimit` | one connection (SQLite has one writer) |
 * | `idleTimeout` | `idleTimeoutMillis` | `idleTimeout` | not applicable |
 * | `acquireTimeout` | `connectionTimeoutMillis` | `connectTimeout` | `PRAGMA busy_timeout` |
 * | `maxLifetime` | `maxLifetimeSeconds` | not available in mysql2 (a warning is logged) | not applicable |
 *
 * @example
 * import { Engine } from "retort"
 * const layer = Engine.layer("postgresql://localhost/app", { pool: { size: 20, acquireTimeout: "5 seconds" } })
 *
 * @since 0.1.0
 * @category models
 */
export interface PoolOptions {
  readonly size?: number | undefined
  readonly idleTimeout?: Duration.DurationInput | undefined
  readonly acquireTimeout?: Duration.DurationInput | undefined
  readonly maxLifetime?: Duration.DurationInput | undefined
}

/**
 * Options of `Engine.layer`.
 *
 * @example
 * import { Engine } from "retort"
 * const layer = Engine.layer("sqlite://", { echo: true })
 *
 * @since 0.1.0
 * @category models
 */
export interface EngineOptions {
  readonly pool?: PoolOptions | undefined
  /** Log every statement executed: one Info entry each, the SQL as message, the parameters as the `params` annotation. */
  readonly echo?: boolean | undefined
  /**
   * The bound on every statement: past it the statement is cancelled on the server
   * (PostgreSQL's cancel request, MariaDB's `KILL QUERY`), its connection destroyed, and it
   * fails with `StatementTimeout`. It also bounds COMMIT and ROLLBACK (10 seconds without it).
   * SQLite statements cannot be preempted: there it has no effect.
   */
  readonly statementTimeout?: Duration.DurationInput | undefined
}
