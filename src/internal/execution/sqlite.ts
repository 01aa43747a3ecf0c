/**
 * SQLite through better-sqlite3, called synchronously. Loaded by the executor
 * (`Executor.ts`) for `sqlite:` URLs only, so other programs never load the native module.
 *
 * Prepared statements are cached per connection in a plain Map, bounded (oldest first out).
 * A statement runs to its end: SQLite statements cannot be preempted, so `statementTimeout`
 * and interruption take effect between statements, never inside one.
 */
import { SqlError } from "@effect/sql/SqlError"
import Database from "better-sqlite3"
import { Chunk, Effect, Option, Stream } from "effect"
import type { SqliteUrl } from "../../Url.js"
import { type Conn, connState, type Row, type StatementOptions } from "./Conn.js"

const cacheSize = 500

export interface SqliteSettings {
  /** `PRAGMA busy_timeout`: how long a statement waits for another process's lock. */
  readonly busyTimeoutMillis: number | undefined
}

const failed = (cause: unknown) => new SqlError({ cause, message: "Failed to execute statement" })

export const open = (url: SqliteUrl, settings: SqliteSettings): Effect.Effect<Conn, SqlError> =>
  Effect.try({
    try: () => {
      const db = new Database(url.filename, { readonly: url.readonly })
      try {
        if (!url.memory && !url.readonly) db.pragma("journal_mode = WAL")
        // Per-connection settings SQLite forgets on reopen: enforce foreign keys, and wait for locks as long as asked.
        db.pragma("foreign_keys = ON")
        // LIKE is case-sensitive on PostgreSQL; retort makes it so here too (ilike is the other one).
        db.pragma("case_sensitive_like = ON")
        registerRegexp(db)
        if (settings.busyTimeoutMillis !== undefined) db.pragma(`busy_timeout = ${Math.max(0, Math.round(settings.busyTimeoutMillis))}`)
      } catch (e) {
        db.close()
        throw e
      }
      return make(db)
    },
    catch: (cause) => new SqlError({ cause, message: "Failed to open the database" })
  })

/**
 * SQLite has no regular expressions of its own: `x REGEXP p` calls a function `regexp(p, x)`.
 * retort's are JavaScript RegExps (Unicode mode); a replacement's `\1`…`\9` are groups,
 * as on PostgreSQL and MariaDB, and every match is replaced.
 */
const registerRegexp = (db: Database.Database) => {
  const cache = new Map<string, RegExp>()
  const compile = (pattern: string, flags: string) => {
    const key = `${flags}/${pattern}`
    let re = cache.get(key)
    if (re === undefined) {
      re = new RegExp(pattern, flags)
      if (cache.size >= 100) cache.delete(cache.keys().next().value!)
      cache.set(key, re)
    }
    re.lastIndex = 0
    return re
  }
  const flagsOf = (flags: unknown) => (flags === "i" ? "iu" : "u")
  db.function("regexp", { deterministic: true, varargs: true }, (pattern: unknown, text: unknown, flags: unknown) =>
    pattern === null || text === null || pattern === undefined || text === undefined
      ? null
      : compile(String(pattern), flagsOf(flags)).test(String(text)) ? 1 : 0)
  db.function("regexp_replace", { deterministic: true, varargs: true }, (text: unknown, pattern: unknown, replacement: unknown, flags: unknown) => {
    if (text === null || pattern === null || replacement === null || text === undefined || pattern === undefined || replacement === undefined) return null
    const re = compile(String(pattern), `g${flagsOf(flags)}`)
    const template = String(replacement)
    const groups = new RegExp(`${String(pattern)}|`, flagsOf(flags)).exec("")!.length - 1
    return String(text).replace(re, (...match: Array<unknown>) =>
      template.replace(/\\(\d|\\)/g, (_, g: string) => (g === "\\" ? "\\" : Number(g) > groups ? "" : String(match[Number(g)] ?? ""))))
  })
}

const make = (db: Database.Database): Conn => {
  const cache = new Map<string, Database.Statement>()
  const prepare = (sql: string): Database.Statement => {
    let stmt = cache.get(sql)
    if (stmt === undefined) {
      stmt = db.prepare(sql)
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!)
      cache.set(sql, stmt)
    }
    return stmt
  }
  const closeListeners: Array<() => void> = []

  /** Runs synchronously; the fast path of every SQLite statement. */
  const rows = (sql: string, params: ReadonlyArray<unknown>, options?: StatementOptions): ReadonlyArray<Row> => {
    const stmt = prepare(sql)
    if (!stmt.reader) {
      stmt.run(...params)
      return []
    }
    stmt.safeIntegers(options?.safeIntegers === true)
    if (options?.single === true) {
      const row = stmt.get(...params) as Row | undefined
      return row === undefined ? [] : [row]
    }
    return stmt.all(...params) as ReadonlyArray<Row>
  }

  /** The driver's own result (changes, lastInsertRowid); a statement that reads gives its rows too. */
  const runNow = (sql: string, params: ReadonlyArray<unknown>): unknown => {
    const stmt = prepare(sql)
    if (stmt.reader) return { changes: 0, rows: stmt.all(...params) }
    return stmt.run(...params)
  }

  const conn: Conn = {
    ...connState(),
    native: db,
    queryNow: rows,
    runNow,
    query: (sql, params, options) => Effect.try({ try: () => rows(sql, params, options), catch: failed }),
    run: (sql, params) => Effect.try({ try: () => runNow(sql, params), catch: failed }),
    command: (sql) => Effect.try({ try: () => void db.exec(sql), catch: failed }),
    stream: (sql, params, options) =>
      Stream.suspend(() => {
        let iterator: IterableIterator<unknown> | undefined
        const chunk = options?.chunk ?? 256
        return Stream.paginateChunkEffect(undefined, () =>
          Effect.try({
            try: () => {
              if (iterator === undefined) {
                // A statement of its own: an iterating statement cannot be shared with other queries.
                const stmt = db.prepare(sql)
                if (!stmt.reader) {
                  stmt.run(...params)
                  return [[] as ReadonlyArray<Row>, Option.none<undefined>()] as const
                }
                stmt.safeIntegers(options?.safeIntegers === true)
                iterator = stmt.iterate(...params)
              }
              const out: Array<Row> = []
              for (let i = 0; i < chunk; i++) {
                const next = iterator.next()
                if (next.done === true) return [out, Option.none<undefined>()] as const
                out.push(next.value as Row)
              }
              return [out, Option.some(undefined)] as const
            },
            catch: failed
          }).pipe(Effect.map(([out, next]) => [chunkOf(out), next] as const))
        ).pipe(Stream.ensuring(Effect.sync(() => iterator?.return?.())))
      }),
    ping: () => Effect.void,
    destroy: () => {
      cache.clear()
      if (db.open) db.close()
      for (const listener of closeListeners) listener()
    },
    onClose: () => {}
  }
  return conn
}

const chunkOf = <A>(items: ReadonlyArray<A>) => Chunk.unsafeFromArray(items as Array<A>)
