/**
 * Opens MariaDB / MySQL through `@effect/sql-mysql2`. Called only by the executor
 * (`src/internal/executor.ts`), on the first statement.
 */
import * as MysqlClient from "@effect/sql-mysql2/MysqlClient"
import { Duration, Effect } from "effect"
import type { EngineOptions } from "../../Options.js"
import type { ServerUrl } from "../../Url.js"

/** A pool of connections. */
export const singleConnection = false

export const compiler = MysqlClient.makeCompiler()

export const open = (url: ServerUrl, options: EngineOptions) =>
  Effect.gen(function*() {
    const pool = options.pool ?? {}
    if (pool.maxLifetime !== undefined) {
      yield* Effect.logWarning("retort: mysql2's pool has no maximum connection lifetime; pool.maxLifetime is ignored")
    }
    const connectTimeout = pool.acquireTimeout !== undefined
      ? Math.round(Duration.toMillis(pool.acquireTimeout))
      : url.options["connect_timeout"] !== undefined
      ? Number(url.options["connect_timeout"]) * 1000
      : undefined
    // mysql2 reaps idle connections only while maxIdle < connectionLimit, and then closes every free
    // connection idle for longer than idleTimeout. Without an idleTimeout, keep them all.
    const size = pool.size ?? 10
    const poolConfig: Record<string, unknown> = {
      maxIdle: pool.idleTimeout === undefined ? size : Math.max(0, size - 1),
      // Dates, BIGINT and DECIMAL as text: retort decodes them exactly, without the local time zone.
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      // JSON as text, so that the JSON value null stays apart from SQL NULL.
      jsonStrings: true,
      charset: "utf8mb4"
    }
    if (connectTimeout !== undefined) poolConfig["connectTimeout"] = connectTimeout
    if (url.options["charset"] !== undefined) poolConfig["charset"] = url.options["charset"]
    if (url.options["timezone"] !== undefined) poolConfig["timezone"] = url.options["timezone"]
    if (url.options["ssl"] === "true") poolConfig["ssl"] = {}
    return yield* MysqlClient.make({
      host: url.host,
      port: url.port,
      database: url.database,
      username: url.username,
      password: url.password,
      maxConnections: size,
      connectionTTL: pool.idleTimeout,
      poolConfig
    })
  })
