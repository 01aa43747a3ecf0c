/**
 * MariaDB / MySQL through mysql2 connections that retort's pool owns. Loaded by the
 * executor (`Executor.ts`) for `mysql:` and `mariadb:` URLs only.
 *
 * - Statements run with `execute` (server-side prepared statements), which mysql2 caches
 *   per connection, bounded (`maxPreparedStatements`); values are never formatted into text.
 * - An interrupted or timed-out statement is stopped on the server with `KILL QUERY` from a
 *   connection of its own, and its connection destroyed.
 * - Streams read rows as they arrive with back-pressure (the socket is paused); a stream
 *   stopped early kills its query and destroys the connection (mysql2 cannot skip the rest).
 * - TCP keep-alive is on.
 */
import { SqlError } from "@effect/sql/SqlError"
import { Chunk, Effect, Option, Redacted, Stream } from "effect"
import type * as Mysql from "mysql2"
import mysql from "mysql2"
import type { ServerUrl } from "../../Url.js"
import { boundedCall, type Conn, connState, type Done, type Row } from "./Conn.js"

export interface MysqlSettings {
  readonly connectTimeoutMillis: number
}

const failed = (cause: unknown) => new SqlError({ cause, message: "Failed to execute statement" })

/** `undefined` binds NULL, as pg and better-sqlite3 bind it (mysql2 throws on it). */
const bindable = (params: ReadonlyArray<unknown>): ReadonlyArray<unknown> => {
  for (const p of params) if (p === undefined) return params.map((v) => (v === undefined ? null : v))
  return params
}

/** Server errors carry an errno below 2000; client-side (2000+) and socket errors mean the connection failed. */
const isServerError = (e: unknown) => {
  const errno = (e as { errno?: unknown })?.errno
  return typeof errno === "number" && errno < 2000 && (e as { fatal?: unknown }).fatal !== true
}

/** Statements that may be prepared: the ones that read or write rows. */
const preparable = /^\s*(select|insert|update|delete|with|replace)\b/i

export const connectionOptions = (url: ServerUrl, settings: MysqlSettings): Mysql.ConnectionOptions => {
  const options: Mysql.ConnectionOptions = {
    host: url.host,
    port: url.port,
    connectTimeout: settings.connectTimeoutMillis,
    // Dates, BIGINT and DECIMAL as text: retort decodes them exactly, without the local time zone.
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    // JSON as text, so that the JSON value null stays apart from SQL NULL.
    jsonStrings: true,
    charset: url.options["charset"] ?? "utf8mb4",
    enableKeepAlive: true,
    keepAliveInitialDelay: 10_000,
    maxPreparedStatements: 256
  }
  if (url.database !== undefined) options.database = url.database
  if (url.username !== undefined) options.user = url.username
  if (url.password !== undefined) options.password = Redacted.value(url.password)
  if (url.options["timezone"] !== undefined) options.timezone = url.options["timezone"]
  if (url.options["ssl"] === "true") options.ssl = {}
  return options
}

/** `KILL QUERY` for the statement running on `threadId`, from a connection of its own; never waits. */
const killQuery = (url: ServerUrl, settings: MysqlSettings, threadId: number | null) => {
  if (threadId === null || !Number.isSafeInteger(threadId)) return
  const { database: _database, ...options } = connectionOptions(url, settings)
  const side = mysql.createConnection({ ...options, connectTimeout: 2000 })
  side.on("error", () => {})
  const timer = setTimeout(() => side.destroy(), 3000)
  timer.unref?.()
  // The thread id is the server's own integer, checked above: not user text.
  side.query(`KILL QUERY ${threadId}`, () => {
    clearTimeout(timer)
    side.end(() => {})
  })
}

export const open = (url: ServerUrl, settings: MysqlSettings): Effect.Effect<Conn, SqlError> =>
  Effect.async<Conn, SqlError>((resume) => {
    const connection = mysql.createConnection(connectionOptions(url, settings))
    let connected = false
    connection.on("error", () => {})
    connection.connect((err) => {
      if (err) {
        connection.destroy()
        resume(Effect.fail(new SqlError({ cause: err, message: "Failed to connect" })))
        return
      }
      connected = true
      resume(Effect.succeed(make(url, settings, connection)))
    })
    return Effect.sync(() => {
      if (!connected) connection.destroy()
    })
  })

const make = (url: ServerUrl, settings: MysqlSettings, connection: Mysql.Connection): Conn => {
  const listeners: Array<() => void> = []
  const closed = () => {
    conn.broken = true
    for (const l of listeners.splice(0)) l()
  }
  connection.on("end", closed)
  connection.on("error", closed)
  const abandon = () => {
    conn.broken = true
    killQuery(url, settings, connection.threadId)
  }

  const start = <A>(method: "execute" | "query", sql: string, given: ReadonlyArray<unknown>, pick: (result: unknown) => A, done: Done<A>) => {
    const params = bindable(given)
    const callback = (err: unknown, result: unknown) => done(err, err ? (undefined as A) : pick(result))
    if (method === "execute") connection.execute(sql, params as Array<any>, callback)
    else if (params.length > 0) connection.query(sql, params as Array<any>, callback)
    else connection.query(sql, callback)
  }
  const call = <A>(
    method: "execute" | "query",
    sql: string,
    params: ReadonlyArray<unknown>,
    timeoutMillis: number | undefined,
    pick: (result: unknown) => A
  ) => boundedCall<A>(conn, timeoutMillis, abandon, isServerError, (done) => start(method, sql, params, pick, done))
  const itself = (r: unknown) => r

  const rowsOf = (result: unknown): ReadonlyArray<Row> => (Array.isArray(result) ? result as ReadonlyArray<Row> : [])
  // Reads and writes go through the binary protocol as prepared statements (cached), with or
  // without parameters; other statements (DDL, SET, transaction control) as plain text.
  // A tenant's transaction (`USE tenant`) runs its statements unprepared: a prepared
  // statement keeps the default database it was prepared in, and the cache is per text.
  let tenant = false
  const home = url.database === undefined ? undefined : `USE \`${url.database.replace(/`/g, "``")}\``
  const method = (sql: string, params: ReadonlyArray<unknown>) =>
    !tenant && (params.length > 0 || preparable.test(sql)) ? "execute" : "query"

  const conn: Conn = {
    ...connState(),
    native: connection,
    call: {
      query: (sql, params, _options, done) => start(method(sql, params), sql, params, rowsOf, done),
      run: (sql, params, _options, done) => start(method(sql, params), sql, params, itself, done),
      abandon,
      isServerError
    },
    query: (sql, params, options) => call(method(sql, params), sql, params, options?.timeoutMillis, rowsOf),
    run: (sql, params, options) => call(method(sql, params), sql, params, options?.timeoutMillis, itself),
    command: (sql, options) =>
      call("query", sql, [], options?.timeoutMillis, () => {
        if (/^\s*USE\s/i.test(sql)) tenant = sql.trim() !== home
      }),
    stream: (sql, params, options) =>
      Stream.suspend(() => {
        // Rows are buffered up to a chunk; past it the socket is paused until the consumer pulls.
        const size = options?.chunk ?? 1000
        let buffer: Array<Row> = []
        let ended = false
        let failure: unknown
        let wake: (() => void) | undefined
        const notify = () => {
          const w = wake
          wake = undefined
          w?.()
        }
        const query = params.length === 0 ? connection.query(sql) : tenant ? connection.query(sql, params as Array<any>) : connection.execute(sql, params as Array<any>)
        let paused = false
        const unpause = () => {
          paused = false
          connection.resume()
        }
        query.on("result", (row: unknown) => {
          buffer.push(row as Row)
          if (buffer.length >= size && !paused) {
            paused = true
            connection.pause()
          }
          notify()
        })
        query.on("error", (err: unknown) => {
          failure = err
          if (!isServerError(err)) conn.broken = true
          notify()
        })
        query.on("end", () => {
          ended = true
          notify()
        })
        const pull = Effect.async<readonly [Chunk.Chunk<Row>, Option.Option<undefined>], SqlError>((resume) => {
          const attempt = () => {
            if (failure !== undefined) return resume(Effect.fail(failed(failure)))
            if (buffer.length === 0 && !ended) {
              // Nothing buffered: let mysql2 hand over the packets it held while paused.
              if (paused) unpause()
              if (buffer.length === 0 && !ended && failure === undefined) {
                wake = attempt
                return
              }
              if (failure !== undefined) return resume(Effect.fail(failed(failure)))
            }
            const out = buffer
            const last = ended
            buffer = []
            // Rows that arrive from here on belong to the next pull.
            if (paused && !last) unpause()
            return resume(Effect.succeed([Chunk.unsafeFromArray(out), last ? Option.none() : Option.some(undefined)] as const))
          }
          attempt()
          return Effect.sync(() => {
            wake = undefined
          })
        })
        return Stream.paginateChunkEffect(undefined, () => pull).pipe(
          Stream.ensuring(Effect.sync(() => {
            if (!ended && failure === undefined) {
              // The rest of the result would still arrive on this connection: stop it and drop the connection.
              abandon()
              if (paused) unpause()
            }
          }))
        )
      }),
    ping: (timeoutMillis) => call("query", "SELECT 1", [], timeoutMillis, () => undefined),
    destroy: () => connection.destroy(),
    onClose: (listener) => void listeners.push(listener)
  }
  return conn
}
