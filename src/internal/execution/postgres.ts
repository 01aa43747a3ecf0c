/**
 * PostgreSQL through node-postgres `Client`s that retort's pool owns. Loaded by the
 * executor (`Executor.ts`) for `postgresql:` URLs only.
 *
 * - Statements that read or write rows run as named prepared statements, cached per
 *   connection (bounded; the oldest is deallocated). DDL through the engine invalidates
 *   every connection's cache, since a cached plan must not change its result type.
 * - An interrupted or timed-out statement is cancelled on the server (PostgreSQL's cancel
 *   request, on a connection of its own) and its connection destroyed.
 * - Streams read through a cursor (pg-cursor, loaded by the first stream: a program that
 *   never streams need not install it), a batch at a time.
 * - TCP keep-alive is on, so a dead peer is noticed by the operating system.
 */
import { SqlError } from "@effect/sql/SqlError"
import { Chunk, Effect, Option, Redacted, Stream } from "effect"
import Pg from "pg"
import type Cursor from "pg-cursor"
import type { ServerUrl } from "../../Url.js"
import { markConnectPhase } from "../classify.js"
import { boundedCall, type Conn, connState, type Done, type Row, type StatementOptions } from "./Conn.js"
import { loadFailure } from "./drivers.js"

/** node-postgres cannot fall back from TLS to plain text, so `prefer` and `allow` mean plain text. */
const ssl = (mode: string | undefined): Pg.ClientConfig["ssl"] => {
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

const cacheSize = 256
/** Statements worth preparing: the ones that read or write rows (not DDL, not transaction control). */
const preparable = /^\s*(select|insert|update|delete|with|values)\b/i
/** Statements after which prepared statements may describe a schema that is gone. */
const ddl = /^\s*(create|alter|drop|truncate|rename|comment)\b/i

export interface PostgresSettings {
  readonly connectTimeoutMillis: number
  /** The engine's schema epoch: caches prepared under an older one are dropped. */
  readonly schemaEpoch: () => number
  /** Called when a connection runs DDL: a cached plan must not change its result type. */
  readonly schemaChanged: () => void
}

/** A server error carries a five-character SQLSTATE; anything else means the connection itself failed. */
const isServerError = (e: unknown) => typeof (e as { code?: unknown })?.code === "string" && /^[0-9A-Z]{5}$/.test((e as { code: string }).code)

const failed = (cause: unknown) => new SqlError({ cause, message: "Failed to execute statement" })

let cursorClass: typeof Cursor | undefined
/** pg-cursor, once per process; not installed, a `ConnectionError` (connect phase) that says to install it. */
const loadCursor: Effect.Effect<typeof Cursor, SqlError> = Effect.suspend(() =>
  cursorClass !== undefined ? Effect.succeed(cursorClass) : Effect.tryPromise({
    try: () => import("pg-cursor").then((m) => (cursorClass = m.default)),
    catch: (cause) => markConnectPhase(loadFailure("postgresql", cause, "retort streams PostgreSQL rows through it"))
  })
)

export const config = (url: ServerUrl, connectTimeoutMillis: number): Pg.ClientConfig => {
  const c: Pg.ClientConfig = {
    host: url.host,
    port: url.port,
    ssl: ssl(url.options["sslmode"]),
    application_name: url.options["application_name"] ?? "retort",
    connectionTimeoutMillis: connectTimeoutMillis,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    types
  }
  if (url.username !== undefined) c.user = url.username
  if (url.password !== undefined) c.password = Redacted.value(url.password)
  if (url.database !== undefined) c.database = url.database
  if (url.options["options"] !== undefined) c.options = url.options["options"]
  return c
}

/** PostgreSQL's cancel request for the backend of `client`, on a socket of its own; never waits. */
const cancelOnServer = (url: ServerUrl, client: Pg.Client) => {
  const { processID, secretKey } = client as unknown as { processID: number | null; secretKey: number | null }
  if (processID === null || secretKey === null) return
  const con = new (Pg as unknown as { Connection: new() => PgConnection }).Connection()
  const timer = setTimeout(() => con.stream?.destroy(), 2000)
  timer.unref?.()
  con.on("error", () => {})
  con.on("connect", () => con.cancel(processID, secretKey))
  con.on("end", () => clearTimeout(timer))
  con.connect(url.port, url.host)
}

interface PgConnection {
  readonly stream?: { destroy(): void }
  on(event: string, listener: (...args: Array<unknown>) => void): void
  connect(port: number, host: string): void
  cancel(processID: number, secretKey: number): void
}

/**
 * `LISTEN channel` on a client of its own (live queries across processes): each
 * notification's payload goes to `onPayload`, and `onLost` is called once if the connection
 * ends. Gives back the function that closes it. `channel` is retort's constant, not input.
 */
export const listen = (
  url: ServerUrl,
  connectTimeoutMillis: number,
  channel: string,
  onPayload: (payload: string) => void,
  onLost: () => void
): Effect.Effect<() => void, SqlError> =>
  Effect.async<() => void, SqlError>((resume) => {
    const client = new Pg.Client({ ...config(url, connectTimeoutMillis), application_name: "retort listen" })
    let closed = false
    const close = () => {
      if (closed) return
      closed = true
      void client.end().catch(() => {})
    }
    client.on("error", () => {})
    client.on("end", () => {
      closed = true
      onLost()
    })
    client.on("notification", (message: Pg.Notification) => {
      if (message.channel === channel && message.payload !== undefined) onPayload(message.payload)
    })
    client.connect((err: Error | undefined) => {
      if (err) return resume(Effect.fail(markConnectPhase(new SqlError({ cause: err, message: "Failed to connect" }))))
      client.query(`LISTEN ${channel}`, (error: Error | undefined) => {
        if (error) {
          close()
          return resume(Effect.fail(new SqlError({ cause: error, message: "LISTEN failed" })))
        }
        resume(Effect.succeed(close))
      })
    })
    return Effect.sync(close)
  })

export const open = (url: ServerUrl, settings: PostgresSettings): Effect.Effect<Conn, SqlError> =>
  Effect.async<Conn, SqlError>((resume) => {
    const client = new Pg.Client(config(url, settings.connectTimeoutMillis))
    let connected = false
    // An idle client losing its socket emits "error"; unhandled, it would crash the process.
    client.on("error", () => {})
    client.connect((err: Error | undefined) => {
      if (err) {
        resume(Effect.fail(new SqlError({ cause: err, message: "Failed to connect" })))
        return
      }
      connected = true
      resume(Effect.succeed(make(url, client, settings)))
    })
    return Effect.sync(() => {
      if (!connected) void client.end().catch(() => {})
    })
  })

const make = (url: ServerUrl, client: Pg.Client, settings: PostgresSettings): Conn => {
  const names = new Map<string, string>()
  let epoch = settings.schemaEpoch()
  let counter = 0
  const listeners: Array<() => void> = []
  const closed = () => {
    conn.broken = true
    for (const l of listeners.splice(0)) l()
  }
  client.on("end", closed)
  client.on("error", closed)

  const parsed = () => (client as unknown as { connection: { parsedStatements: Record<string, string> } }).connection.parsedStatements
  const forgetAll = () => {
    names.clear()
    const statements = parsed()
    for (const key of Object.keys(statements)) delete statements[key]
    client.query("DEALLOCATE ALL", () => {})
  }

  /** The query config: named (prepared once per connection) where that pays. */
  const queryConfig = (sql: string, params: ReadonlyArray<unknown>): Pg.QueryConfig => {
    const now = settings.schemaEpoch()
    if (now !== epoch) {
      epoch = now
      forgetAll()
    }
    const known = names.get(sql)
    if (known !== undefined) return { name: known, text: sql, values: params as Array<unknown> }
    if (!preparable.test(sql)) {
      if (ddl.test(sql)) settings.schemaChanged()
      return params.length === 0 ? { text: sql } : { text: sql, values: params as Array<unknown> }
    }
    // Oldest prepared first out: the Map keeps insertion order.
    if (names.size >= cacheSize) {
      const [oldText, oldName] = names.entries().next().value!
      names.delete(oldText)
      delete parsed()[oldName]
      client.query(`DEALLOCATE ${oldName}`, () => {})
    }
    const name = `retort_${++counter}`
    names.set(sql, name)
    return { name, text: sql, values: params as Array<unknown> }
  }

  const abandon = () => {
    conn.broken = true
    cancelOnServer(url, client)
  }
  // A pg.Query rather than a config object: node-postgres copies a config through its
  // property descriptors (`cloneQueryConfig`), 1.3 µs a statement in isolation and 2–8 µs
  // of a lookup's CPU time on a live connection (`node .bench/bench/serverPath.js
  // postgresql get`, its two raw lines); a Query made from the text is taken as it is.
  const start = <A>(sql: string, config: Pg.QueryConfig, pick: (result: Pg.QueryResult) => A, done: Done<A>) => {
    const query = new Pg.Query(config.text, config.values, (err: Error | undefined, result: unknown) => {
      // A prepared statement whose plan went stale (the schema changed under it): forget it.
      if (err && (err as { code?: string }).code === "0A000" && config.name !== undefined) {
        names.delete(sql)
        delete parsed()[config.name]
      }
      done(err, err ? (undefined as A) : pick(result as Pg.QueryResult))
    })
    if (config.name !== undefined) (query as { name?: string }).name = config.name
    client.query(query)
  }
  const execute = <A>(sql: string, config: Pg.QueryConfig, options: StatementOptions | undefined, pick: (result: Pg.QueryResult) => A) =>
    boundedCall<A>(conn, options?.timeoutMillis, abandon, isServerError, (done) => start(sql, config, pick, done))
  const rowsOf = (r: Pg.QueryResult) => r.rows as ReadonlyArray<Row>
  const resultOf = (r: Pg.QueryResult): unknown => r

  const conn: Conn = {
    ...connState(),
    native: client,
    call: {
      query: (sql, params, _options, done) => start(sql, queryConfig(sql, params), rowsOf, done),
      run: (sql, params, _options, done) => start(sql, queryConfig(sql, params), resultOf, done),
      abandon,
      isServerError
    },
    query: (sql, params, options) => execute(sql, queryConfig(sql, params), options, rowsOf),
    run: (sql, params, options) => execute(sql, queryConfig(sql, params), options, resultOf),
    command: (sql, options) => execute(sql, { text: sql }, options, () => undefined),
    stream: (sql, params, options) =>
      Stream.unwrap(Effect.map(loadCursor, (Cursor) => {
        const cursor = client.query(new Cursor(sql, params as Array<unknown>, { types }))
        const size = options?.chunk ?? 1000
        // The first batch is small, so that the first rows (a Stream.take) come back at once.
        let next = Math.min(size, 50)
        let done = false
        const read = (count: number) => Effect.async<ReadonlyArray<Row>, SqlError>((resume) => {
          cursor.read(count, (err: Error | undefined, rows: Array<any>) => {
            if (err) {
              if (!isServerError(err)) conn.broken = true
              resume(Effect.fail(failed(err)))
            } else resume(Effect.succeed(rows))
          })
          return Effect.sync(() => {
            conn.broken = true
            cancelOnServer(url, client)
          })
        })
        return Stream.paginateChunkEffect(undefined, () => {
          const count = next
          next = size
          return Effect.map(read(count), (rows) => {
            if (rows.length < count) done = true
            return [Chunk.unsafeFromArray(rows as Array<Row>), rows.length < count ? Option.none() : Option.some(undefined)] as const
          })
        }).pipe(
            Stream.ensuring(
              Effect.async<void>((resume) => {
                if (done || conn.broken) return resume(Effect.void)
                // Stopped early: closing the portal frees the server's cursor; the connection stays usable.
                cursor.close(() => resume(Effect.void))
              })
            )
          )
      })),
    ping: (timeoutMillis) => execute("SELECT 1", { text: "SELECT 1" }, { timeoutMillis }, () => undefined),
    destroy: () => {
      const stream = (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream
      // Give a pending cancel request a moment to reach the server before the socket goes.
      const timer = setTimeout(() => stream.destroy(), 200)
      timer.unref?.()
      client.end().catch(() => {})
    },
    onClose: (listener) => void listeners.push(listener)
  }
  return conn
}


