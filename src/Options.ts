/**
 * Engine options: connection pool settings, statement echo and the statement timeout.
 *
 * @since 0.1.0
 */
import type { Duration, Redacted } from "effect"

/**
 * Connection pool settings of retort's own pool, the same on every driver:
 *
 * | option | meaning | default |
 * |---|---|---|
 * | `size` | connections at most (SQLite: one, its single writer) | 10 |
 * | `acquireTimeout` | the deadline of a wait for a connection (then `ConnectionError`); also the connect timeout and SQLite's `busy_timeout` | 30 s |
 * | `idleTimeout` | an idle connection is closed after this long | never |
 * | `maxLifetime` | a connection is retired after this long | never |
 *
 * Waiters are served first come, first served; a connection that failed, was interrupted
 * mid-statement or timed out is destroyed; one idle for more than 5 s is pinged first.
 *
 * @example
 * import { Engine } from "retort-orm"
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
 * import { Engine } from "retort-orm"
 * const layer = Engine.layer("sqlite://", { echo: true })
 *
 * @example
 * import { Engine } from "retort-orm"
 * const layer = Engine.layer("postgresql://primary/app", {
 *   replicas: ["postgresql://replica-1/app", "postgresql://replica-2/app"],
 *   readYourWrites: "2 seconds"
 * })
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
  /**
   * Read replicas of the primary (server dialects, the primary's dialect): reads outside a
   * transaction go to them round robin, a replica that cannot be reached is skipped (for a
   * second) and the primary serves the read when none answers. Writes, transactions,
   * `forUpdate` selects and raw `execute` text stay on the primary. Each replica has a pool
   * of its own with the same `pool` options; none is opened before its first read.
   */
  readonly replicas?: ReadonlyArray<string | Redacted.Redacted<string>> | undefined
  /**
   * After a write outside a transaction, or the commit of a transaction that could write,
   * the same fiber's reads go to the primary for this long, so that it reads its own writes
   * whatever the replicas' lag. Default 1 second; only with `replicas`.
   */
  readonly readYourWrites?: Duration.DurationInput | undefined
  /**
   * PostgreSQL: live queries (`Query.watch`) also re-run after commits of other processes,
   * announced by `LISTEN` / `NOTIFY` on a connection of the engine's own, opened by the first
   * watch. Tables announce their commits once a migration has run `Migration.notifyChanges`
   * on them. Other dialects refuse it (`UrlError`).
   */
  readonly listen?: boolean | undefined
}
