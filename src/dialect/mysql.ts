/**
 * MariaDB and MySQL: capability flags and the classifier for mysql2 errors, by errno.
 * The server reports constraint details only inside the message text, so they are
 * parsed from there (`Duplicate entry '1' for key 'PRIMARY'`, …).
 */
import type { SqlError } from "@effect/sql/SqlError"
import type { ColumnType } from "../Column.js"
import type { Capabilities, DdlHooks, Dialect, ErrorContext } from "../Dialect.js"
import {
  CheckViolation,
  type DatabaseError,
  DeadlockDetected,
  ForeignKeyViolation,
  LockTimeout,
  NotNullViolation,
  ReadOnlyViolation,
  UniqueViolation
} from "../Errors.js"
import {
  connectionError,
  unclassified,
  driverErrors,
  driverMessage,
  identifierList,
  isConnectPhase,
  isNetworkError
} from "../internal/classify.js"
import { isolationSql, quoteString } from "../internal/sqlText.js"
import { pathText } from "../internal/json.js"
import { formatMicros, type ValueHooks } from "../internal/values.js"

const capabilities: Capabilities = {
  insertReturning: true,
  updateReturning: false,
  deleteReturning: true,
  transactionalDdl: false,
  savepoints: true,
  concurrentWriters: true,
  deadlockDetection: true,
  serializationFailures: false,
  ilike: false,
  nativeUuid: false,
  nativeEnum: false,
  nativeBoolean: false,
  jsonb: false,
  upsert: "onDuplicateKey",
  schemas: false
}

/** Login refused, unknown database, too many connections, connection killed or lost. */
const connectionErrnos = new Set([1040, 1044, 1045, 1049, 1129, 1130, 1152, 1153, 1158, 1159, 1160, 1161, 1927, 2002, 2003, 2006, 2013, 4031])
const connectionCodes = new Set([
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR",
  "PROTOCOL_ENQUEUE_AFTER_QUIT",
  "ER_CONNECTION_KILLED"
])

const unquote = (name: string) => name.replace(/^[`'"]|[`'"]$/g, "")

/** `(`db`.`posts`, CONSTRAINT `fk` FOREIGN KEY (`author_id`) REFERENCES …` */
const foreignKey = (message: string) => {
  const match = /\((?:`[^`]*`\.)?`([^`]*)`, CONSTRAINT `([^`]*)` FOREIGN KEY \(([^)]*)\)/.exec(message)
  return match === null
    ? { table: undefined, constraint: undefined, columns: [] }
    : { table: match[1], constraint: match[2], columns: identifierList(match[3]!) }
}

const classify = (error: SqlError, context: ErrorContext): DatabaseError => {
  if (isConnectPhase(error)) return connectionError(error, context)
  const errors = driverErrors(error)
  const server = errors.find((e) => typeof e["errno"] === "number")
  const errno = server === undefined ? undefined : Number(server["errno"])
  const message = driverMessage(error, context)
  const base = { message, dialect: "mysql" as const, cause: error.cause }
  switch (errno) {
    case 1062: {
      // MariaDB names the key (`'email'`), MySQL 8 prefixes the table (`'users.email'`).
      const key = /for key '([^']*)'/.exec(message)?.[1]
      const dot = key === undefined ? -1 : key.indexOf(".")
      return new UniqueViolation({
        ...base,
        table: dot === -1 ? undefined : key!.slice(0, dot),
        constraint: key === undefined ? undefined : dot === -1 ? key : key.slice(dot + 1),
        columns: []
      })
    }
    case 1216:
    case 1217:
    case 1451:
    case 1452:
      return new ForeignKeyViolation({ ...base, ...foreignKey(message) })
    case 1048:
    case 1364: {
      const column = /(?:Column|Field) '([^']*)'/.exec(message)?.[1]
      return new NotNullViolation({ ...base, table: undefined, constraint: undefined, columns: column === undefined ? [] : [column] })
    }
    case 3819:
    case 4025: {
      // MariaDB: CONSTRAINT `c` failed for `db`.`t`; MySQL: Check constraint 'c' is violated.
      const maria = /CONSTRAINT `([^`]*)` failed for (?:`[^`]*`\.)?`([^`]*)`/.exec(message)
      const mysql = /Check constraint '([^']*)'/.exec(message)
      return new CheckViolation({
        ...base,
        table: maria?.[2],
        constraint: maria?.[1] ?? (mysql?.[1] === undefined ? undefined : unquote(mysql[1])),
        columns: []
      })
    }
    case 1213:
      return new DeadlockDetected(base)
    case 1205:
    // ER_LOCK_NOWAIT (MySQL 8's NOWAIT on a locked row; MariaDB reports 1205 for it)
    case 3572:
      return new LockTimeout(base)
    // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
    case 1792:
      return new ReadOnlyViolation(base)
  }
  const lost = errors.some((e) =>
    isNetworkError(e) ||
    (typeof e["code"] === "string" && connectionCodes.has(e["code"])) ||
    (typeof e["errno"] === "number" && connectionErrnos.has(e["errno"])) ||
    (e["fatal"] === true && typeof e["errno"] !== "number")
  )
  return lost ? connectionError(error, context) : unclassified(error, context)
}

/**
 * The length of a `Column.string()` without one: MariaDB's VARCHAR needs a length, and 255
 * characters of utf8mb4 (1020 bytes) stay under InnoDB's 3072-byte key limit, so the column
 * can be indexed, unique and a foreign key target.
 */
const unboundedStringLength = 255

/** Booleans are TINYINT(1); BIGINT and DECIMAL travel as strings (the driver is set up so). */
const values: ValueHooks = {
  booleanAsInteger: true,
  bigintParam: "string",
  binaryAsBuffer: true,
  formatDateTime: (micros) => formatMicros(micros),
  bigintNeedsSafeIntegers: false,
  // Not float (a DOUBLE's text form), json, timestamps, enums, bigint: read back.
  storedAsBound: new Set(["integer", "numeric", "string", "text", "boolean"]),
  uuidLowercase: false,
  // DOUBLE has neither NaN nor Infinity.
  floatNaN: false,
  floatInfinity: false,
  textNul: true,
  integerRange: [-2147483648, 2147483647],
  // DATE and DATETIME end at 9999-12-31.
  yearRange: [1, 9999],
  // JSON_VALID, the CHECK on every JSON column, refuses a 32nd level of nesting.
  jsonMaxDepth: 31,
  bindsObjects: false,
  unboundedStringLength
}

const quote = (identifier: string) => `\`${identifier.replace(/`/g, "``")}\``

const ddl: DdlHooks = {
  quote,
  columnType: (type) => {
    switch (type._tag) {
      case "integer":
        return "INT"
      case "bigint":
        return "BIGINT"
      case "float":
        return "DOUBLE"
      case "numeric":
        return `DECIMAL(${type.precision}, ${type.scale})`
      case "string":
        return `VARCHAR(${type.length ?? unboundedStringLength})`
      case "text":
        return "LONGTEXT"
      case "boolean":
        return "BOOLEAN"
      case "date":
        return "DATE"
      // TIMESTAMP would convert through the session time zone and stop in 2038; DATETIME keeps UTC as written.
      case "dateTime":
        return `DATETIME(${type.precision})`
      case "time":
        return `TIME(${type.precision})`
      case "uuid":
        return "CHAR(36)"
      case "json":
        return "JSON"
      case "literal":
        return `VARCHAR(${Math.max(...type.values.map((v) => v.length))})`
      case "binary":
        return "LONGBLOB"
      case "custom":
        return typeof type.sqlType === "string" ? type.sqlType : type.sqlType.mysql ?? "LONGTEXT"
    }
  },
  autoIncrement: (type) => ({ type: type._tag === "bigint" ? "BIGINT" : "INT", clause: "AUTO_INCREMENT" }),
  // DATETIME holds UTC wall-clock time, whatever the session's time_zone.
  call: (_call, type) => (type?._tag === "date" ? "(UTC_DATE())" : "(UTC_TIMESTAMP(6))"),
  literal: ({ value }) =>
    value === null ? "NULL" : typeof value === "string" ? quoteString(value, true) : typeof value === "boolean" ? (value ? "1" : "0") : String(value),
  enumTypes: false,
  createEnum: () => "",
  dropEnum: () => "",
  tableSuffix: " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
  alterForeignKeys: true,
  addForeignKey: (table, name, definition) =>
    `ALTER TABLE ${quote(table)} ADD CONSTRAINT ${quote(name)} ${definition.replace(/^FOREIGN KEY/, "FOREIGN KEY IF NOT EXISTS")}`,
  dropForeignKey: (table, name) => `ALTER TABLE IF EXISTS ${quote(table)} DROP FOREIGN KEY IF EXISTS ${quote(name)}`,
  maxIdentifierLength: 64,
  aroundCyclicDrop: { before: [], after: [] }
}

/**
 * The MariaDB / MySQL dialect.
 */
export const mysql: Dialect = { name: "mysql", capabilities, classify, values, ddl, compiler: {
    placeholder: () => "?",
    numberedPlaceholders: false,
    maxParameters: 65535,
    // MariaDB has no OFFSET without LIMIT: the largest LIMIT stands for "all".
    limitOffset: (limit, offset) =>
      limit === undefined && offset === undefined ? "" : ` LIMIT ${limit ?? "18446744073709551615"}${offset === undefined ? "" : ` OFFSET ${offset}`}`,
    insertDefaults: (table) => `INSERT INTO ${table} () VALUES ()`,
    syncIdentity: undefined,
    // The default collation compares case-insensitively; a binary pattern makes LIKE exact.
    like: (operand, pattern) => `${operand} LIKE BINARY ${pattern}`,
    ilike: (operand, pattern) => `LOWER(${operand}) LIKE LOWER(${pattern})`,
    concat: (parts) => `CONCAT(${parts.join(", ")})`,
    charLength: (text) => `CHAR_LENGTH(${text})`,
    // No NULLS FIRST / LAST: sort on "is null" first.
    orderTerm: (expression, direction, nulls) =>
      nulls === undefined
        ? `${expression} ${direction}`
        : `${expression} IS NULL ${nulls === "first" ? "DESC" : "ASC"}, ${expression} ${direction}`,
    // MariaDB has no DO NOTHING: assigning the key to itself leaves the row as it was.
    upsert: (_target, set, primaryKey) =>
      ` ON DUPLICATE KEY UPDATE ${
        (set.length === 0 ? primaryKey.slice(0, 1).map((c) => [c, c] as const) : set).map(([c, v]) => `${c} = ${v}`).join(", ")
      }`,
    excluded: (column) => `VALUES(${column})`,
    typedLiteral: (placeholder) => placeholder,
    // SET TRANSACTION applies to the next transaction only.
    enumAsText: (e) => e,
    begin: (o) => [
      ...(o.isolation === undefined ? [] : [`SET TRANSACTION ISOLATION LEVEL ${isolationSql[o.isolation]}`]),
      `START TRANSACTION${o.readOnly ? " READ ONLY" : ""}`
    ],
    end: () => [],
    // MariaDB has no transaction-local search path: USE makes the tenant's database the
    // default for the transaction (an identifier, quoted), and the URL's is restored after.
    tenant: (schema, settings, database) => {
      if (settings.length > 0) return "transaction settings are PostgreSQL's (set_config): MariaDB has no transaction-local settings"
      if (schema === undefined) return { begin: [], end: [] }
      if (database === undefined) return "a tenant schema needs the URL to name a database, which is restored after the transaction"
      return { begin: [{ sql: `USE ${quote(schema)}`, params: [] }], end: [`USE ${quote(database)}`] }
    },
    affectedRows: (raw) => Number((raw as { affectedRows?: number } | undefined)?.affectedRows ?? 0),
    // --- selects (issue 14)
    // MariaDB 10.11 has all six; INTERSECT binds tighter than UNION and EXCEPT (the compiler nests for left-to-right).
    setOperator: (op) => op,
    // MariaDB has no FOR SHARE and no OF: LOCK IN SHARE MODE, and the rows of every table read
    // are locked (a superset of what OF asks, so the exclusion it promises still holds).
    lock: ({ strength, wait }) =>
      `${strength === "update" ? " FOR UPDATE" : " LOCK IN SHARE MODE"}${wait === "nowait" ? " NOWAIT" : wait === "skipLocked" ? " SKIP LOCKED" : ""}`,
    // --- expressions (issue 14)
    rowValues: (rows) => rows.join(", "),
    isDistinctFrom: (left, right, negated) => (negated ? `(${left} <=> ${right})` : `(NOT (${left} <=> ${right}))`),
    cast: castMysql,
    // REGEXP follows the column's collation (case-insensitive by default): PCRE's inline flag decides instead.
    regexpMatch: (operand, pattern, ci) => `(${operand} REGEXP CONCAT('${ci ? "(?i)" : "(?-i)"}', ${pattern}))`,
    regexpReplace: (operand, pattern, replacement, ci) => `REGEXP_REPLACE(${operand}, CONCAT('${ci ? "(?i)" : "(?-i)"}', ${pattern}), ${replacement})`,
    toFloat: (e) => `CAST(${e} AS DOUBLE)`,
    intDivide: (left, right) => `(${left} DIV ${right})`,
    intRemainder: (left, right) => `(${left} % ${right})`,
    // --- writes (issue 14)
    // MariaDB takes WITH inside a subquery or a derived table, never before UPDATE or DELETE.
    writeCtes: "subquery",
    // The multi-table UPDATE: sources come first in the text, and SET columns are qualified.
    updateFrom: ({ table, set, sources, where }) => {
      const from = sources().join(", ")
      const assignments = set().map(([c, v]) => `${table}.${c} = ${v}`).join(", ")
      return `UPDATE ${table}, ${from} SET ${assignments}${where === undefined ? "" : ` WHERE ${where()}`}`
    },
    // The multi-table DELETE has no RETURNING; the single-table DELETE with a correlated EXISTS
    // deletes the same rows and has.
    deleteUsing: ({ table, sources, where, returning }) => {
      const from = sources().join(", ")
      const condition = where === undefined ? "" : ` WHERE ${where()}`
      return returning
        ? `DELETE FROM ${table} WHERE EXISTS (SELECT 1 FROM ${from}${condition})`
        : `DELETE ${table} FROM ${table}, ${from}${condition}`
    },
    upsertSelect: (select) => select,
    upsertSelectColumn: (table, column) => `${table}.${column}`,
    // --- JSON and windows (issue 14)
    // JSON_EXTRACT reads `[n]` on an object or a scalar as on a one-element array: each index
    // is taken only where the value before it is an array, so that a wrong path is NULL as
    // elsewhere. JSON_TYPE names the type ('STRING', 'INTEGER', 'DOUBLE', 'BOOLEAN', …).
    jsonGet: (json, path, as, bind) => {
      const value = () => {
        const guards = path.flatMap((step, i) =>
          typeof step === "number" ? [`JSON_TYPE(JSON_EXTRACT(${json()}, ${bind.text(pathText(path.slice(0, i)))})) = 'ARRAY'`] : []
        )
        const extract = `JSON_EXTRACT(${json()}, ${bind.text(pathText(path))})`
        return guards.length === 0 ? extract : `(CASE WHEN ${guards.join(" AND ")} THEN ${extract} END)`
      }
      switch (as) {
        case "json":
          return value()
        case "string":
          return `(CASE WHEN JSON_TYPE(${value()}) = 'STRING' THEN JSON_UNQUOTE(${value()}) END)`
        case "number":
          return `(CASE WHEN JSON_TYPE(${value()}) IN ('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL') THEN CAST(${value()} AS DOUBLE) END)`
        case "boolean":
          return `(CASE WHEN JSON_TYPE(${value()}) = 'BOOLEAN' THEN JSON_UNQUOTE(${value()}) = 'true' END)`
      }
    },
    // No default argument: a row has an n-th row before it (after it) in its partition when
    // its position there says so; otherwise the default stands in.
    lagLead: ({ name, value, offset, fallback, window, partition }) => {
      const call = () => `${name}(${value()}, ${offset}) OVER (${window()})`
      if (fallback === undefined) return call()
      const exists = name === "LAG"
        ? `ROW_NUMBER() OVER (${window()}) > ${offset}`
        : `COUNT(*) OVER (${partition()}) - ROW_NUMBER() OVER (${window()}) >= ${offset}`
      return `(CASE WHEN ${exists} THEN ${call()} ELSE ${fallback()} END)`
    }
  } }

/** MariaDB's CAST takes SIGNED, DOUBLE, DECIMAL, CHAR, DATE, DATETIME, TIME and BINARY only. */
function castMysql(e: string, type: ColumnType): string | { readonly refused: string } {
  switch (type._tag) {
    case "integer":
    case "bigint":
      return `CAST(${e} AS SIGNED)`
    case "float":
      return `CAST(${e} AS DOUBLE)`
    case "numeric":
      return `CAST(${e} AS DECIMAL(${type.precision}, ${type.scale}))`
    case "string":
      return `CAST(${e} AS CHAR(${type.length}))`
    case "text":
    case "uuid":
      return `CAST(${e} AS CHAR)`
    case "boolean":
      return `(CAST(${e} AS SIGNED) <> 0)`
    case "date":
      return `CAST(${e} AS DATE)`
    case "dateTime":
      return `CAST(${e} AS DATETIME(6))`
    case "time":
      return `CAST(${e} AS TIME(6))`
    case "binary":
      return `CAST(${e} AS BINARY)`
    case "json":
      return { refused: "MariaDB has no JSON type to CAST to" }
    case "literal":
    case "custom":
      return { refused: `a ${type._tag} column type is not a CAST target (cast to Column.text())` }
  }
}
