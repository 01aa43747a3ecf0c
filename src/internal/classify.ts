/**
 * Helpers shared by the per-dialect error classifiers in `src/dialect/`: walking a
 * driver error's cause chain, spotting network failures, building a `ConnectionError`
 * that names where the engine points, and scrubbing the password from any text.
 */
import { SqlError } from "@effect/sql/SqlError"
import { Option, Redacted } from "effect"
import type { ErrorContext } from "../Dialect.js"
import { ConnectionError } from "../Errors.js"
import * as Url from "../Url.js"

/** Marks an `SqlError` raised while the engine was opening its first connection. */
export const connectPhase = Symbol.for("retort/connectPhase")

/** The driver errors under an `SqlError`, outermost first (nested `cause`s and `AggregateError`s). */
export const driverErrors = (error: SqlError): ReadonlyArray<Record<string, unknown>> => {
  const out: Array<Record<string, unknown>> = []
  const seen = new Set<unknown>()
  const visit = (value: unknown) => {
    if (typeof value !== "object" || value === null || seen.has(value)) return
    seen.add(value)
    out.push(value as Record<string, unknown>)
    const v = value as { cause?: unknown; errors?: unknown }
    if (Array.isArray(v.errors)) v.errors.forEach(visit)
    visit(v.cause)
  }
  visit(error.cause)
  return out
}

const networkCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ENOENT"
])

/** A socket-level failure from Node itself, whatever the driver. */
export const isNetworkError = (e: Record<string, unknown>): boolean =>
  typeof e["code"] === "string" && networkCodes.has(e["code"])

/** Replaces every occurrence of the engine's password in `text`. */
export const scrub = (text: string, context: ErrorContext): string =>
  Option.match(Url.password(context.url), {
    onNone: () => text,
    onSome: (secret) => {
      const value = Redacted.value(secret)
      return value.length === 0 ? text : text.split(value).join("***")
    }
  })

/** The first driver message worth quoting, password removed. */
export const driverMessage = (error: SqlError, context: ErrorContext): string => {
  for (const e of driverErrors(error)) {
    if (typeof e["message"] === "string" && e["message"] !== "") return scrub(e["message"], context)
  }
  return scrub(error.message, context)
}

/** A `ConnectionError` naming host, port and database (or the SQLite file). */
export const connectionError = (error: SqlError, context: ErrorContext): ConnectionError => {
  const url = context.url
  const detail = driverMessage(error, context)
  return new ConnectionError({
    message: `Connection to ${url.dialect} failed (${Url.describeTarget(url)}): ${detail}`,
    dialect: url.dialect,
    host: url.dialect === "sqlite" ? undefined : url.host,
    port: url.dialect === "sqlite" ? undefined : url.port,
    database: url.dialect === "sqlite" ? url.filename : url.database,
    cause: error.cause
  })
}

/** Splits a quoted identifier list such as `` `a`, `b` `` or `"a", "b"` or `a, b`. */
export const identifierList = (text: string): ReadonlyArray<string> =>
  text
    .split(",")
    .map((part) => part.trim().replace(/^[`"[]|[`"\]]$/g, ""))
    .filter((part) => part !== "")

/** True when the failure happened while the engine opened its connection (pool), whatever the code. */
export const isConnectPhase = (error: SqlError): boolean => (error as unknown as Record<symbol, unknown>)[connectPhase] === true

/** Marks `error` as raised while connecting. */
export const markConnectPhase = (error: SqlError): SqlError => {
  Object.defineProperty(error, connectPhase, { value: true, enumerable: false })
  return error
}

/**
 * An error retort does not classify further: still an `SqlError`, but its message is the
 * database's own (node-postgres's "Failed to execute statement" says nothing), password removed.
 */
export const unclassified = (error: SqlError, context: ErrorContext): SqlError => {
  const message = driverMessage(error, context)
  return message === error.message ? error : new SqlError({ cause: error.cause, message })
}
