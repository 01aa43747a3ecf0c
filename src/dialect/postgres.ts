/**
 * PostgreSQL: capability flags and the classifier for node-postgres errors, by SQLSTATE.
 * node-postgres copies the server's error fields (`table`, `constraint`, `column`,
 * `detail`) onto the error, so constraint errors come back fully described.
 */
import type { SqlError } from "@effect/sql/SqlError"
import type { Capabilities, Dialect, ErrorContext } from "../Dialect.js"
import {
  CheckViolation,
  type DatabaseError,
  DeadlockDetected,
  ForeignKeyViolation,
  LockTimeout,
  NotNullViolation,
  SerializationFailure,
  UniqueViolation
} from "../Errors.js"
import {
  connectionError,
  driverErrors,
  driverMessage,
  identifierList,
  isConnectPhase,
  isNetworkError
} from "../internal/classify.js"

const capabilities: Capabilities = {
  insertReturning: true,
  updateReturning: true,
  deleteReturning: true,
  transactionalDdl: true,
  savepoints: true,
  concurrentWriters: true,
  deadlockDetection: true,
  serializationFailures: true,
  ilike: true,
  nativeUuid: true,
  nativeEnum: true,
  nativeBoolean: true,
  jsonb: true,
  upsert: "onConflict",
  schemas: true
}

const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined)

/** `Key (a, b)=(1, 2) already exists.` → `a`, `b`. */
const keyColumns = (detail: string | undefined): ReadonlyArray<string> => {
  const match = detail === undefined ? null : /^Key \((.*)\)=\(/.exec(detail)
  return match === null ? [] : identifierList(match[1]!)
}

/** node-postgres raises these plain errors, without SQLSTATE, when the socket goes away. */
const lostConnection = /Connection terminated|connection error|timeout exceeded when trying to connect|Connection timed out|not queryable/i

const classify = (error: SqlError, context: ErrorContext): DatabaseError => {
  if (isConnectPhase(error)) return connectionError(error, context)
  const errors = driverErrors(error)
  const server = errors.find((e) => typeof e["code"] === "string" && /^[0-9A-Z]{5}$/.test(String(e["code"])))
  if (server === undefined) {
    const lost = errors.some((e) => isNetworkError(e) || (typeof e["message"] === "string" && lostConnection.test(e["message"])))
    return lost ? connectionError(error, context) : error
  }
  const code = String(server["code"])
  const message = driverMessage(error, context)
  const base = { message, dialect: "postgresql" as const, cause: error.cause }
  const constraint = {
    table: str(server["table"]),
    constraint: str(server["constraint"]),
    columns: str(server["column"]) !== undefined ? [String(server["column"])] : keyColumns(str(server["detail"]))
  }
  switch (code) {
    case "23505":
      return new UniqueViolation({ ...base, ...constraint })
    case "23503":
      return new ForeignKeyViolation({ ...base, ...constraint })
    case "23502":
      return new NotNullViolation({ ...base, ...constraint })
    case "23514":
      return new CheckViolation({ ...base, ...constraint })
    case "40001":
      return new SerializationFailure(base)
    case "40P01":
      return new DeadlockDetected(base)
    case "55P03":
      return new LockTimeout(base)
    // Server shutting down, login refused, database missing: all "cannot connect".
    case "57P01":
    case "57P02":
    case "57P03":
    case "3D000":
      return connectionError(error, context)
  }
  if (code.startsWith("08") || code.startsWith("28")) return connectionError(error, context)
  return error
}

/**
 * The PostgreSQL dialect.
 */
export const postgres: Dialect = { name: "postgresql", capabilities, classify }
