/**
 * Database URLs: `sqlite:///app.db`, `postgresql://user:pass@host:5432/db`, `mysql://…`.
 *
 * Parsing is pure and never throws: a bad URL is an {@link UrlError} that names the
 * part that is wrong and lists the supported schemes. The password is held as a
 * `Redacted` from the moment it is read, so neither the parsed value nor any error
 * can print it.
 *
 * @module
 * @since 0.1.0
 */
import { Data, Effect, Either, Option, Redacted } from "effect"
import { MASK, maskUrl, scrub, secretsOf } from "./internal/urlMask.js"

/**
 * The URL schemes retort understands, as written in error messages.
 *
 * @example
 * import { Url } from "retort-orm"
 * console.log(Url.supportedSchemes.join(", "))
 *
 * @since 0.1.0
 * @category constants
 */
export const supportedSchemes = ["sqlite", "postgresql", "postgres", "mysql", "mariadb"] as const

/**
 * The three database families a URL can name.
 *
 * @example
 * import type { Url } from "retort-orm"
 * const name: Url.DialectName = "postgresql"
 *
 * @since 0.1.0
 * @category models
 */
export type DialectName = "sqlite" | "postgresql" | "mysql"

/**
 * A parsed SQLite URL. `filename` is `":memory:"` for an in-memory database.
 *
 * @example
 * import { Effect } from "effect"
 * import { Url } from "retort-orm"
 * const url = Effect.runSync(Url.parse("sqlite:///app.db")) // { dialect: "sqlite", filename: "app.db", ... }
 *
 * @since 0.1.0
 * @category models
 */
export interface SqliteUrl {
  readonly dialect: "sqlite"
  readonly scheme: "sqlite"
  readonly filename: string
  readonly memory: boolean
  readonly readonly: boolean
  readonly options: Readonly<Record<string, string>>
}

/**
 * A parsed server URL (PostgreSQL or MySQL / MariaDB). The password is `Redacted`.
 *
 * @example
 * import { Effect, Redacted } from "effect"
 * import { Url } from "retort-orm"
 * const url = Effect.runSync(Url.parse("postgresql://app:s3cret@db:5432/shop"))
 * url.dialect === "postgresql" && url.password !== undefined && Redacted.value(url.password) // "s3cret"
 *
 * @since 0.1.0
 * @category models
 */
export interface ServerUrl {
  readonly dialect: "postgresql" | "mysql"
  readonly scheme: "postgresql" | "postgres" | "mysql" | "mariadb"
  readonly host: string
  readonly port: number
  readonly username: string | undefined
  readonly password: Redacted.Redacted<string> | undefined
  readonly database: string | undefined
  readonly options: Readonly<Record<string, string>>
}

/**
 * Any parsed database URL.
 *
 * @example
 * import type { Url } from "retort-orm"
 * const describe = (url: Url.DatabaseUrl) => url.dialect === "sqlite" ? url.filename : url.host
 *
 * @since 0.1.0
 * @category models
 */
export type DatabaseUrl = SqliteUrl | ServerUrl

/**
 * An unsupported or malformed database URL. `part` names what is wrong
 * (`scheme`, `host`, `port`, `database`, `path`, `option`, `userinfo`);
 * `url` is the input with its password masked.
 *
 * @example
 * import { Effect } from "effect"
 * import { Url } from "retort-orm"
 * Url.parse("oracle://x").pipe(Effect.catchTag("UrlError", (e) => Effect.log(e.part, e.message)))
 *
 * @since 0.1.0
 * @category errors
 */
export class UrlError extends Data.TaggedError("UrlError")<{
  readonly part: "scheme" | "host" | "port" | "database" | "path" | "option" | "userinfo" | "url"
  readonly url: string
  readonly reason: string
  readonly message: string
}> {}

const schemeList = supportedSchemes.map((s) => `${s}://`).join(", ")

/**
 * A `UrlError` for `input`. The password is hidden from every field, found even in a URL
 * that does not parse (see `src/internal/urlMask.ts`); `hidden` are other pieces of the
 * input to hide (a "port" that may be a password written without `@host`).
 */
const fail = (input: string, part: UrlError["part"], reason: string, hidden: ReadonlyArray<string> = []): Either.Either<never, UrlError> => {
  const secrets = [...secretsOf(input), ...hidden]
  const url = maskUrl(input, hidden)
  // A reason may quote a piece of the input; whatever it quotes, the password goes.
  const safeReason = scrub(reason, secrets)
  return Either.left(
    new UrlError({
      part,
      url,
      reason: safeReason,
      message: `Invalid database URL "${url}": ${safeReason}. Supported schemes: ${schemeList}`
    })
  )
}

const decode = (input: string, raw: string, part: UrlError["part"], hide = false): Either.Either<string, UrlError> => {
  try {
    return Either.right(decodeURIComponent(raw))
  } catch {
    return fail(input, part, hide ? `malformed percent-encoding in the ${part}` : `malformed percent-encoding in "${raw}"`)
  }
}

const parseQuery = (input: string, query: string | undefined): Either.Either<Record<string, string>, UrlError> => {
  const options: Record<string, string> = {}
  if (query === undefined || query === "") return Either.right(options)
  for (const pair of query.split("&")) {
    if (pair === "") continue
    const eq = pair.indexOf("=")
    const rawKey = eq === -1 ? pair : pair.slice(0, eq)
    const rawValue = eq === -1 ? "" : pair.slice(eq + 1)
    const key = decode(input, rawKey.replace(/\+/g, " "), "option")
    if (Either.isLeft(key)) return Either.left(key.left)
    const value = decode(input, rawValue.replace(/\+/g, " "), "option")
    if (Either.isLeft(value)) return Either.left(value.left)
    options[key.right] = value.right
  }
  return Either.right(options)
}

/**
 * The query options each dialect accepts, with the values they allow (`undefined` = any).
 * Unknown options are rejected rather than ignored, as libpq does, so a typo never
 * silently changes how a program connects.
 */
const knownOptions: Record<DialectName, Record<string, ReadonlyArray<string> | undefined>> = {
  sqlite: { mode: ["ro", "rw", "rwc"] },
  postgresql: {
    sslmode: ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"],
    application_name: undefined,
    connect_timeout: undefined,
    options: undefined
  },
  mysql: { ssl: ["true", "false"], charset: undefined, connect_timeout: undefined, timezone: undefined }
}

const checkOptions = (
  input: string,
  dialect: DialectName,
  options: Record<string, string>
): Either.Either<Record<string, string>, UrlError> => {
  const known = knownOptions[dialect]
  for (const [key, value] of Object.entries(options)) {
    if (!Object.hasOwn(known, key)) {
      return fail(
        input,
        "option",
        `unknown option "${key}" for ${dialect}; supported options: ${Object.keys(known).join(", ")}`
      )
    }
    const allowed = known[key]
    if (allowed !== undefined && !allowed.includes(value)) {
      return fail(input, "option", `option "${key}" must be one of ${allowed.join(", ")}, got "${value}"`)
    }
    if (key === "connect_timeout" && !/^\d+$/.test(value)) {
      return fail(input, "option", `option "connect_timeout" must be a whole number of seconds, got "${value}"`)
    }
  }
  return Either.right(options)
}

const parseSqlite = (input: string, rest: string): Either.Either<SqliteUrl, UrlError> => {
  const queryAt = rest.indexOf("?")
  const beforeQuery = queryAt === -1 ? rest : rest.slice(0, queryAt)
  const query = parseQuery(input, queryAt === -1 ? undefined : rest.slice(queryAt + 1))
  if (Either.isLeft(query)) return Either.left(query.left)
  const options = checkOptions(input, "sqlite", query.right)
  if (Either.isLeft(options)) return Either.left(options.left)
  const readonly = options.right["mode"] === "ro"
  if (beforeQuery === "") {
    return Either.right({ dialect: "sqlite", scheme: "sqlite", filename: ":memory:", memory: true, readonly, options: options.right })
  }
  if (!beforeQuery.startsWith("/")) {
    return fail(
      input,
      "host",
      `SQLite URLs have no host: write sqlite:///${beforeQuery} for a relative path or sqlite:////${beforeQuery} for an absolute one`
    )
  }
  const path = decode(input, beforeQuery.slice(1), "path")
  if (Either.isLeft(path)) return Either.left(path.left)
  const filename = path.right
  if (filename === "" || filename === ":memory:") {
    return Either.right({ dialect: "sqlite", scheme: "sqlite", filename: ":memory:", memory: true, readonly, options: options.right })
  }
  if (filename.endsWith("/")) return fail(input, "path", `"${filename}" is a directory, not a database file`)
  return Either.right({ dialect: "sqlite", scheme: "sqlite", filename, memory: false, readonly, options: options.right })
}

const parseServer = (
  input: string,
  scheme: ServerUrl["scheme"],
  rest: string
): Either.Either<ServerUrl, UrlError> => {
  const dialect: ServerUrl["dialect"] = scheme === "postgresql" || scheme === "postgres" ? "postgresql" : "mysql"
  // The last "@" ends the user information, so a password with unencoded "@", "/", "?" or "#" still parses.
  const at = rest.lastIndexOf("@")
  const userinfo = at === -1 ? undefined : rest.slice(0, at)
  const afterUser = at === -1 ? rest : rest.slice(at + 1)
  const match = /^([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?(#.*)?$/.exec(afterUser)
  if (match === null) return fail(input, "url", "cannot split the URL into host, path and query")
  const [, hostport = "", path, rawQuery, fragment] = match
  if (fragment !== undefined) return fail(input, "url", "a database URL has no fragment (#…)")

  let username: string | undefined
  let password: Redacted.Redacted<string> | undefined
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(":")
    const rawUser = colon === -1 ? userinfo : userinfo.slice(0, colon)
    // Unencoded, these end the host part; in a user name they mean the URL is not what it seems (postgresql:///u:pw@h).
    if (/[/?#]/.test(rawUser)) return fail(input, "userinfo", `the user name "${rawUser}" contains "/", "?" or "#" (percent-encode them)`)
    const user = decode(input, rawUser, "userinfo")
    if (Either.isLeft(user)) return Either.left(user.left)
    username = user.right === "" ? undefined : user.right
    if (colon !== -1) {
      const pass = decode(input, userinfo.slice(colon + 1), "userinfo", true)
      if (Either.isLeft(pass)) return Either.left(pass.left)
      password = Redacted.make(pass.right)
    }
  }

  let host: string
  let rawPort: string | undefined
  if (hostport.startsWith("[")) {
    const close = hostport.indexOf("]")
    if (close === -1) return fail(input, "host", `unterminated IPv6 address "${hostport}"`)
    host = hostport.slice(1, close)
    const after = hostport.slice(close + 1)
    if (after !== "" && !after.startsWith(":")) return fail(input, "host", `unexpected "${after}" after the IPv6 address`)
    rawPort = after === "" ? undefined : after.slice(1)
  } else {
    const colon = hostport.lastIndexOf(":")
    host = colon === -1 ? hostport : hostport.slice(0, colon)
    rawPort = colon === -1 ? undefined : hostport.slice(colon + 1)
  }
  const decodedHost = decode(input, host, "host")
  if (Either.isLeft(decodedHost)) return Either.left(decodedHost.left)
  host = decodedHost.right === "" ? "localhost" : decodedHost.right
  if (/[\s/@]/.test(host)) return fail(input, "host", `"${host}" is not a host name`)

  let port = dialect === "postgresql" ? 5432 : 3306
  if (rawPort !== undefined && rawPort !== "") {
    if (!/^\d+$/.test(rawPort) || Number(rawPort) < 1 || Number(rawPort) > 65535) {
      // Without "@", "user:password/db" reads as host:port: a bad port may be a password.
      return at === -1
        ? fail(input, "port", `the port is not a number between 1 and 65535 (it is not shown: if it is a password, write user:password@host)`, [rawPort])
        : fail(input, "port", `port "${rawPort}" is not a number between 1 and 65535`)
    }
    port = Number(rawPort)
  }

  let database: string | undefined
  if (path !== undefined && path !== "/") {
    const raw = path.slice(1)
    if (raw.includes("/")) return fail(input, "database", `"${raw}" is not a database name (it contains "/")`)
    const db = decode(input, raw, "database")
    if (Either.isLeft(db)) return Either.left(db.left)
    database = db.right
  }

  const query = parseQuery(input, rawQuery)
  if (Either.isLeft(query)) return Either.left(query.left)
  const options = checkOptions(input, dialect, query.right)
  if (Either.isLeft(options)) return Either.left(options.left)

  return Either.right({ dialect, scheme, host, port, username, password, database, options: options.right })
}

/**
 * Parses a database URL without throwing, for code outside Effect.
 *
 * @example
 * import { Either } from "effect"
 * import { Url } from "retort-orm"
 * const result = Url.parseEither("postgres://localhost/app")
 * Either.isRight(result) // true
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseEither = (url: string | Redacted.Redacted<string>): Either.Either<DatabaseUrl, UrlError> => {
  const input: unknown = Redacted.isRedacted(url) ? Redacted.value(url) : url
  if (typeof input !== "string") return fail("", "url", `the URL is ${typeof input}, not a string`)
  if (input.trim() === "") return fail(input, "url", "the URL is empty")
  const trimmed = input.trim()
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(trimmed)
  if (schemeMatch === null) {
    return fail(trimmed, "scheme", "a database URL starts with a scheme followed by ://")
  }
  const scheme = schemeMatch[1]!.toLowerCase()
  const rest = schemeMatch[2]!
  switch (scheme) {
    case "sqlite":
      return parseSqlite(trimmed, rest)
    case "postgresql":
    case "postgres":
    case "mysql":
    case "mariadb":
      return parseServer(trimmed, scheme, rest)
    default:
      return fail(trimmed, "scheme", `unsupported scheme "${scheme}"`)
  }
}

/**
 * Parses a database URL. Fails with {@link UrlError}.
 *
 * @example
 * import { Effect } from "effect"
 * import { Url } from "retort-orm"
 * const program = Effect.map(Url.parse("mysql://root@127.0.0.1:3306/test"), (url) => url.dialect) // "mysql"
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (url: string | Redacted.Redacted<string>): Effect.Effect<DatabaseUrl, UrlError> =>
  Effect.suspend(() => parseEither(url))

/**
 * Renders a parsed URL back to a string, with the password masked as `***`.
 *
 * @example
 * import { Effect } from "effect"
 * import { Url } from "retort-orm"
 * const url = Effect.runSync(Url.parse("postgresql://app:s3cret@db/shop"))
 * Url.toDisplayString(url) // "postgresql://app:***@db:5432/shop"
 *
 * @since 0.1.0
 * @category formatting
 */
export const toDisplayString = (url: DatabaseUrl): string => {
  const query = Object.entries(url.options)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&")
  const suffix = query === "" ? "" : `?${query}`
  if (url.dialect === "sqlite") {
    if (url.memory) return `sqlite://${suffix}`
    return `sqlite:///${url.filename}${suffix}`
  }
  const user = url.username === undefined ? "" : encodeURIComponent(url.username)
  const auth = url.username === undefined && url.password === undefined
    ? ""
    : `${user}${url.password === undefined ? "" : `:${MASK}`}@`
  const host = url.host.includes(":") ? `[${url.host}]` : url.host
  const db = url.database === undefined ? "" : `/${encodeURIComponent(url.database)}`
  return `${url.scheme}://${auth}${host}:${url.port}${db}${suffix}`
}

/**
 * Where a URL points, for messages: `host:port/database` or the SQLite file name.
 * Never includes the user name or password.
 *
 * @example
 * import { Effect } from "effect"
 * import { Url } from "retort-orm"
 * Url.describeTarget(Effect.runSync(Url.parse("mysql://root@db:3307/shop"))) // "host db, port 3307, database \"shop\""
 *
 * @since 0.1.0
 * @category formatting
 */
export const describeTarget = (url: DatabaseUrl): string =>
  url.dialect === "sqlite"
    ? url.memory ? "an in-memory database" : `file "${url.filename}"`
    : `host ${url.host}, port ${url.port}, database ${url.database === undefined ? "(default)" : `"${url.database}"`}`

/**
 * The password of a server URL, when it has one; `Option.none()` for SQLite.
 *
 * @example
 * import { Effect, Option } from "effect"
 * import { Url } from "retort-orm"
 * Option.isSome(Url.password(Effect.runSync(Url.parse("postgres://u:p@h/d")))) // true
 *
 * @since 0.1.0
 * @category getters
 */
export const password = (url: DatabaseUrl): Option.Option<Redacted.Redacted<string>> =>
  url.dialect === "sqlite" ? Option.none() : Option.fromNullable(url.password)
