/**
 * Opens PostgreSQL through `@effect/sql-pg` over a node-postgres pool that retort
 * creates itself, so that every pool option maps onto it and nothing connects before
 * the first statement. Called only by the executor (`src/internal/executor.ts`).
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import { Duration, Effect, Redacted } from "effect"
import Pg from "pg"
import type { EngineOptions } from "../../Options.js"
import type { ServerUrl } from "../../Url.js"

/** A pool of connections. */
export const singleConnection = false

export const compiler = PgClient.makeCompiler()

/** node-postgres cannot fall back from TLS to plain text, so `prefer` and `allow` mean plain text. */
const ssl = (mode: string | undefined): Pg.PoolConfig["ssl"] => {
  switch (mode) {
    case "require":
      return { rejectUnauthorized: false }
    case "verify-ca":
    case "verify-full":
      return true
    default:
      return false
  }
}

/**
 * Types node-postgres would parse lossily (dates through the local time zone, timestamps
 * to milliseconds, JSON `null` into SQL NULL): retort reads their text and decodes it itself.
 */
const textTypes = new Set([
  20, // int8
  114, // json
  1082, // date
  1083, // time
  1114, // timestamp
  1184, // timestamptz
  1266, // timetz
  1700, // numeric
  3802 // jsonb
])
const identity = (value: string) => value
const types: Pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    textTypes.has(oid) && format !== "binary" ? identity : Pg.types.getTypeParser(oid, format as "text")) as Pg.CustomTypesConfig["getTypeParser"]
}

const millis = (d: Duration.DurationInput | undefined) => (d === undefined ? undefined : Math.round(Duration.toMillis(d)))

export const open = (url: ServerUrl, options: EngineOptions) => {
  const pool = options.pool ?? {}
  const connectTimeout = millis(pool.acquireTimeout) ??
    (url.options["connect_timeout"] !== undefined ? Number(url.options["connect_timeout"]) * 1000 : 30_000)
  const config: Pg.PoolConfig = {
    host: url.host,
    port: url.port,
    ssl: ssl(url.options["sslmode"]),
    application_name: url.options["application_name"] ?? "retort",
    connectionTimeoutMillis: connectTimeout,
    types
  }
  if (url.username !== undefined) config.user = url.username
  if (url.password !== undefined) config.password = Redacted.value(url.password)
  if (url.database !== undefined) config.database = url.database
  if (url.options["options"] !== undefined) config.options = url.options["options"]
  // The executor hands out at most `size` permits; the pool must have a connection for each.
  config.max = pool.size ?? 10
  if (pool.idleTimeout !== undefined) config.idleTimeoutMillis = millis(pool.idleTimeout)!
  if (pool.maxLifetime !== undefined) config.maxLifetimeSeconds = Math.max(1, Math.round(millis(pool.maxLifetime)! / 1000))
  return PgClient.fromPool({
    acquire: Effect.acquireRelease(
      Effect.sync(() => {
        const p = new Pg.Pool(config)
        // An idle client losing its socket emits "error" on the pool; unhandled, it would crash the process.
        p.on("error", () => {})
        return p
      }),
      (p) => Effect.promise(() => p.end()).pipe(Effect.interruptible, Effect.timeoutOption("2 seconds"))
    )
  })
}
