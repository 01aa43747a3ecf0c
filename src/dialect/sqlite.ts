/**
 * SQLite: capability flags and the classifier for better-sqlite3 errors.
 * Extended result codes (`SQLITE_CONSTRAINT_UNIQUE`, …) say what failed; the message
 * says where (`UNIQUE constraint failed: users.email`).
 */
import type { SqlError } from "@effect/sql/SqlError"
import type { ColumnType } from "../Column.js"
import type { Capabilities, DdlHooks, Dialect, ErrorContext } from "../Dialect.js"
import {
  CheckViolation,
  type DatabaseError,
  ForeignKeyViolation,
  LockTimeout,
  NotNullViolation,
  ReadOnlyViolation,
  SerializationFailure,
  UniqueViolation
} from "../Errors.js"
import { connectionError, driverErrors, driverMessage, isConnectPhase, unclassified } from "../internal/classify.js"
import { quoteDouble, quoteString } from "../internal/sqlText.js"
import { formatMicros, ValueError, type ValueHooks } from "../internal/values.js"
import { pathText } from "../internal/json.js"

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
  if (driver === undefined) return unclassified(error, context)
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
    // A write under PRAGMA query_only (a read-only transaction) or on a file opened read-only.
    case "SQLITE_READONLY":
      return new ReadOnlyViolation(base)
    case "SQLITE_CANTOPEN":
    case "SQLITE_CANTOPEN_ISDIR":
    case "SQLITE_CANTOPEN_FULLPATH":
    case "SQLITE_NOTADB":
      return connectionError(error, context)
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return new LockTimeout(base)
  return unclassified(error, context)
}

/** better-sqlite3 binds bigints and Buffers, not booleans; timestamps are sortable UTC text. */
const values: ValueHooks = {
  booleanAsInteger: true,
  bigintParam: "bigint",
  binaryAsBuffer: true,
  formatDateTime: (micros) => formatMicros(micros),
  bigintNeedsSafeIntegers: true,
  // What SQLite stores for these types, affinity included, decodes as the value bound.
  storedAsBound: new Set(["integer", "bigint", "float", "numeric", "string", "text", "boolean", "date", "dateTime", "time", "uuid", "literal", "json", "binary"]),
  uuidLowercase: false,
  // SQLite turns NaN into NULL; it keeps ±Infinity.
  floatNaN: false,
  floatInfinity: true,
  textNul: true,
  // INTEGER is 64-bit, but a JavaScript number is exact only up to 2^53 − 1.
  integerRange: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  // Timestamps are sortable text with four-digit years.
  yearRange: [1, 9999],
  jsonMaxDepth: 1000,
  bindsObjects: false,
  unboundedStringLength: undefined
}

/**
 * SQLite types by affinity: numeric columns keep exact decimals up to 15 digits (a REAL
 * holds them); wider ones are stored as TEXT. JSON is TEXT: a JSON column would have
 * NUMERIC affinity and turn "1.0" into a number.
 */
const ddl: DdlHooks = {
  quote: quoteDouble,
  columnType: (type) => {
    switch (type._tag) {
      case "integer":
        return "INTEGER"
      case "bigint":
        return "BIGINT"
      case "float":
        return "REAL"
      case "numeric":
        return type.precision <= 15 ? `NUMERIC(${type.precision}, ${type.scale})` : "TEXT"
      // VARCHAR(n) and TEXT are both TEXT affinity, with no length enforced: a string without one is spelled TEXT.
      case "string":
        return type.length === undefined ? "TEXT" : `VARCHAR(${type.length})`
      case "text":
      case "json":
        return "TEXT"
      case "boolean":
        return "BOOLEAN"
      case "date":
        return "DATE"
      case "dateTime":
        return "DATETIME"
      case "time":
        return "TIME"
      case "uuid":
        return "CHAR(36)"
      case "literal":
        return `VARCHAR(${Math.max(...type.values.map((v) => v.length))})`
      case "binary":
        return "BLOB"
      case "custom":
        return typeof type.sqlType === "string" ? type.sqlType : type.sqlType.sqlite ?? "BLOB"
    }
  },
  // Only a column declared exactly INTEGER PRIMARY KEY becomes the rowid, which SQLite fills in.
  autoIncrement: () => ({ type: "INTEGER", clause: "" }),
  call: (_call, type) => (type?._tag === "date" ? "(date('now'))" : "(strftime('%Y-%m-%d %H:%M:%f', 'now'))"),
  literal: ({ value }) =>
    value === null ? "NULL" : typeof value === "string" ? quoteString(value) : typeof value === "boolean" ? (value ? "1" : "0") : String(value),
  enumTypes: false,
  createEnum: () => "",
  dropEnum: () => "",
  tableSuffix: "",
  alterForeignKeys: false,
  addForeignKey: () => "",
  dropForeignKey: () => "",
  maxIdentifierLength: 128,
  aroundCyclicDrop: { before: ["PRAGMA foreign_keys = OFF"], after: ["PRAGMA foreign_keys = ON"] }
}

/**
 * The SQLite dialect.
 */
export const sqlite: Dialect = { name: "sqlite", capabilities, classify, values, ddl, compiler: {
    placeholder: () => "?",
    numberedPlaceholders: false,
    maxParameters: 32766,
    limitOffset: (limit, offset) => (limit === undefined && offset === undefined ? "" : ` LIMIT ${limit ?? "-1"}${offset === undefined ? "" : ` OFFSET ${offset}`}`),
    insertDefaults: (table) => `INSERT INTO ${table} DEFAULT VALUES`,
    syncIdentity: undefined,
    // The connection runs with PRAGMA case_sensitive_like = ON, so LIKE is case-sensitive as elsewhere.
    like: (operand, pattern) => `${operand} LIKE ${pattern}`,
    ilike: (operand, pattern) => `LOWER(${operand}) LIKE LOWER(${pattern})`,
    concat: (parts) => `(${parts.join(" || ")})`,
    charLength: (text) => `LENGTH(${text})`,
    orderTerm: (expression, direction, nulls) => `${expression} ${direction}${nulls === undefined ? "" : ` NULLS ${nulls.toUpperCase()}`}`,
    upsert: (target, set) =>
      ` ON CONFLICT (${target.join(", ")}) ${set.length === 0 ? "DO NOTHING" : `DO UPDATE SET ${set.map(([c, v]) => `${c} = ${v}`).join(", ")}`}`,
    excluded: (column) => `excluded.${column}`,
    typedLiteral: (placeholder) => placeholder,
    // SQLite transactions are serializable whatever is asked; a read-only one still takes no write lock.
    enumAsText: (e) => e,
    // SQLite is always serializable. A serializable writer takes the write lock at BEGIN
    // (IMMEDIATE), so it never fails upgrading a read lock; every other level begins DEFERRED.
    // Read-only is enforced by PRAGMA query_only for the transaction's length.
    begin: (o) =>
      o.readOnly
        ? ["BEGIN DEFERRED", "PRAGMA query_only = ON"]
        : [o.isolation === "serializable" ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"],
    end: (o) => (o.readOnly ? ["PRAGMA query_only = OFF"] : []),
    tenant: (schema) =>
      schema !== undefined
        ? "tenant schemas are for PostgreSQL and MariaDB: SQLite has none (use a database file per tenant)"
        : "transaction settings are PostgreSQL's (set_config): SQLite has none",
    affectedRows: (raw) => Number((raw as { changes?: number | bigint } | undefined)?.changes ?? 0),
    // --- selects (issue 14)
    setOperator: (op) => {
      if (op === "INTERSECT ALL" || op === "EXCEPT ALL") throw new ValueError(`SQLite has no ${op} (only UNION ALL keeps duplicates)`, op)
      return op
    },
    // SQLite has no row locks: a transaction locks the whole database. SQLAlchemy omits FOR UPDATE
    // there, which is sound only when the transaction took the write lock at BEGIN (IMMEDIATE).
    // retort's transactions begin DEFERRED unless serializable (see `begin` above), and the
    // compiler cannot know which transaction a statement will run in, so the lock could silently
    // not be held: refused, with the way out in the message.
    lock: ({ strength }) => {
      const clause = strength === "update" ? "FOR UPDATE" : "FOR SHARE"
      throw new ValueError(
        `SQLite has no row locks (${clause}): run the transaction with { isolation: "serializable" }, which begins IMMEDIATE and holds the database's write lock, and drop ${strength === "update" ? "forUpdate()" : "forShare()"}`,
        clause
      )
    },
    // --- expressions (issue 14)
    // A row-value IN takes its rows only from a subquery: VALUES is one.
    rowValues: (rows) => `VALUES ${rows.join(", ")}`,
    isDistinctFrom: (left, right, negated) => `(${left} IS ${negated ? "" : "NOT "}${right})`,
    cast: castSqlite,
    // regexp and regexp_replace are JavaScript functions registered on every connection (execution/sqlite.ts).
    regexpMatch: (operand, pattern, ci) => `regexp(${pattern}, ${operand}${ci ? ", 'i'" : ""})`,
    regexpReplace: (operand, pattern, replacement, ci) => `regexp_replace(${operand}, ${pattern}, ${replacement}${ci ? ", 'i'" : ""})`,
    toFloat: (e) => `CAST(${e} AS REAL)`,
    // better-sqlite3 binds every JavaScript number as a REAL: cast, or 15 / 10 would be 1.5.
    intDivide: (left, right) => `(CAST(${left} AS INTEGER) / CAST(${right} AS INTEGER))`,
    intRemainder: (left, right) => `(CAST(${left} AS INTEGER) % CAST(${right} AS INTEGER))`,
    // --- writes (issue 14)
    writeCtes: "statement",
    // UPDATE … FROM since SQLite 3.33 (better-sqlite3 bundles a later one).
    updateFrom: ({ table, set, sources, where }) => {
      const assignments = set().map(([c, v]) => `${c} = ${v}`).join(", ")
      const from = sources().join(", ")
      return `UPDATE ${table} SET ${assignments} FROM ${from}${where === undefined ? "" : ` WHERE ${where()}`}`
    },
    // No DELETE … USING: a correlated EXISTS over the other sources deletes the same rows.
    deleteUsing: ({ table, sources, where }) => {
      const from = sources().join(", ")
      return `DELETE FROM ${table} WHERE EXISTS (SELECT 1 FROM ${from}${where === undefined ? "" : ` WHERE ${where()}`})`
    },
    // `INSERT … SELECT … FROM t ON CONFLICT` would parse ON as a join's; a WHERE ends the SELECT.
    upsertSelect: (select) => `SELECT * FROM (${select}) WHERE true`,
    upsertSelectColumn: (_table, column) => column,
    // --- JSON and windows (issue 14)
    // json_type tells the JSON type at the path ('text', 'integer', 'real', 'true', …);
    // json_extract gives a string unquoted and a number as a number; -> keeps JSON text.
    jsonGet: (json, path, as, bind) => {
      const at = () => `${json()}, ${bind.text(pathText(path))}`
      switch (as) {
        case "json":
          return `(${json()} -> ${bind.text(pathText(path))})`
        case "string":
          return `(CASE json_type(${at()}) WHEN 'text' THEN json_extract(${at()}) END)`
        case "number":
          return `(CASE WHEN json_type(${at()}) IN ('integer', 'real') THEN json_extract(${at()}) END)`
        case "boolean":
          return `(CASE json_type(${at()}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)`
      }
    },
    lagLead: ({ name, value, offset, fallback, window }) =>
      `${name}(${value()}, ${offset}${fallback === undefined ? "" : `, ${fallback()}`}) OVER (${window()})`
  } }

/** SQLite's CAST only picks an affinity: dates are functions, a length is a SUBSTR, and there is no date-time type to cast to. */
function castSqlite(e: string, type: ColumnType): string | { readonly refused: string } {
  switch (type._tag) {
    case "integer":
    case "bigint":
      return `CAST(${e} AS INTEGER)`
    case "float":
      return `CAST(${e} AS REAL)`
    case "numeric":
      return type.precision <= 15 ? `CAST(${e} AS NUMERIC)` : `CAST(${e} AS TEXT)`
    case "string":
      return `SUBSTR(CAST(${e} AS TEXT), 1, ${type.length})`
    case "text":
    case "uuid":
      return `CAST(${e} AS TEXT)`
    case "boolean":
      return `(CAST(${e} AS INTEGER) <> 0)`
    case "date":
      return `date(${e})`
    case "json":
      return `json(${e})`
    case "binary":
      return `CAST(${e} AS BLOB)`
    case "dateTime":
    case "time":
      return { refused: `SQLite has no ${type._tag === "time" ? "time" : "date-time"} type to CAST to` }
    case "literal":
    case "custom":
      return { refused: `a ${type._tag} column type is not a CAST target (cast to Column.text())` }
  }
}
