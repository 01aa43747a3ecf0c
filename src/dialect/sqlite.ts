/**
 * SQLite: capability flags and the classifier for better-sqlite3 errors.
 * Extended result codes (`SQLITE_CONSTRAINT_UNIQUE`, …) say what failed; the message
 * says where (`UNIQUE constraint failed: users.email`).
 */
import type { SqlError } from "@effect/sql/SqlError"
import type { Capabilities, Dialect, ErrorContext } from "../Dialect.js"
import {
  CheckViolation,
  type DatabaseError,
  ForeignKeyViolation,
  LockTimeout,
  NotNullViolation,
  SerializationFailure,
  UniqueViolation
} from "../Errors.js"
import { connectionError, driverErrors, driverMessage, isConnectPhase } from "../internal/classify.js"

const capabilities: Capabilities = {
  insertReturning: true,
  updateReturning: true,
  deleteReturning: true,
  transactionalDdl: true,
  savepoints: true,
  concurrentWriters: false,
  deadlockDetection: false,
  serializationFailures: true,
  ilike: false,
  nativeUuid: false,
  nativeEnum: false,
  nativeBoolean: false,
  jsonb: false,
  upsert: "onConflict",
  schemas: false
}

/** `t.a, t.b` → table `t`, columns `a`, `b`; `index 'name'` → constraint `name`. */
const parseTarget = (rest: string) => {
  const index = /^index '(.+)'$/.exec(rest)
  if (index !== null) return { table: undefined, constraint: index[1], columns: [] as Array<string> }
  const parts = rest.split(",").map((p) => p.trim()).filter((p) => p !== "")
  const columns: Array<string> = []
  let table: string | undefined
  for (const part of parts) {
    const dot = part.lastIndexOf(".")
    if (dot === -1) {
      columns.push(part)
    } else {
      table = part.slice(0, dot)
      columns.push(part.slice(dot + 1))
    }
  }
  return { table, constraint: undefined, columns }
}

const classify = (error: SqlError, context: ErrorContext): DatabaseError => {
  if (isConnectPhase(error)) return connectionError(error, context)
  const driver = driverErrors(error).find((e) => typeof e["code"] === "string" && String(e["code"]).startsWith("SQLITE_"))
  if (driver === undefined) return error
  const code = String(driver["code"])
  const message = driverMessage(error, context)
  const after = (prefix: string) => {
    const at = message.indexOf(prefix)
    return at === -1 ? "" : message.slice(at + prefix.length).trim()
  }
  const base = { message, dialect: "sqlite" as const, cause: error.cause }
  switch (code) {
    case "SQLITE_CONSTRAINT_UNIQUE":
    case "SQLITE_CONSTRAINT_PRIMARYKEY":
      return new UniqueViolation({ ...base, ...parseTarget(after("constraint failed:")) })
    case "SQLITE_CONSTRAINT_FOREIGNKEY":
      return new ForeignKeyViolation({ ...base, table: undefined, constraint: undefined, columns: [] })
    case "SQLITE_CONSTRAINT_NOTNULL":
      return new NotNullViolation({ ...base, ...parseTarget(after("constraint failed:")) })
    case "SQLITE_CONSTRAINT_CHECK": {
      // A named CHECK reports its name; an unnamed one reports its expression.
      const what = after("constraint failed:")
      const named = /^[A-Za-z_][A-Za-z0-9_$]*$/.test(what)
      return new CheckViolation({ ...base, table: undefined, constraint: named ? what : undefined, columns: [] })
    }
    case "SQLITE_BUSY_SNAPSHOT":
      return new SerializationFailure(base)
    case "SQLITE_CANTOPEN":
    case "SQLITE_CANTOPEN_ISDIR":
    case "SQLITE_CANTOPEN_FULLPATH":
    case "SQLITE_NOTADB":
      return connectionError(error, context)
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return new LockTimeout(base)
  return error
}

/**
 * The SQLite dialect.
 */
export const sqlite: Dialect = { name: "sqlite", capabilities, classify }
