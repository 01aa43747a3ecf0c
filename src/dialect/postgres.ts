/**
 * PostgreSQL: capability flags and the classifier for node-postgres errors, by SQLSTATE.
 * node-postgres copies the server's error fields (`table`, `constraint`, `column`,
 * `detail`) onto the error, so constraint errors come back fully described.
 */
import type { SqlError } from "@effect/sql/SqlError"
import type { Capabilities, DdlHooks, Dialect, ErrorContext } from "../Dialect.js"
import {
  CheckViolation,
  type DatabaseError,
  DeadlockDetected,
  ForeignKeyViolation,
  LockTimeout,
  NotNullViolation,
  ReadOnlyViolation,
  SerializationFailure,
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
import { isolationSql, quoteDouble, quoteString } from "../internal/sqlText.js"
import { pathText } from "../internal/json.js"
import { formatMicros, type ValueHooks } from "../internal/values.js"

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
    return lost ? connectionError(error, context) : unclassified(error, context)
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
    // read_only_sql_transaction
    case "25006":
      return new ReadOnlyViolation({ message, dialect: "postgresql", cause: error.cause })
    // Server shutting down, login refused, database missing: all "cannot connect".
    case "57P01":
    case "57P02":
    case "57P03":
    case "3D000":
      return connectionError(error, context)
  }
  if (code.startsWith("08") || code.startsWith("28")) return connectionError(error, context)
  return unclassified(error, context)
}

/** node-postgres sends a Uint8Array as JSON, so binary goes as a Buffer; timestamptz values carry their zone. */
const values: ValueHooks = {
  booleanAsInteger: false,
  bigintParam: "string",
  binaryAsBuffer: true,
  formatDateTime: (micros, timezone) => (timezone ? `${formatMicros(micros)}+00` : formatMicros(micros)),
  bigintNeedsSafeIntegers: false,
  // Not json (jsonb normalizes), uuid (case), timestamps, enums, bigint (read as text): read back.
  storedAsBound: new Set(["integer", "float", "numeric", "string", "text", "boolean"]),
  uuidLowercase: true,
  floatNaN: true,
  floatInfinity: true,
  // text, varchar and jsonb refuse U+0000.
  textNul: false,
  integerRange: [-2147483648, 2147483647],
  // PostgreSQL goes to year 294276; JavaScript's dates end in September 275760.
  yearRange: [1, 275760],
  jsonMaxDepth: 1000,
  bindsObjects: true,
  unboundedStringLength: undefined
}

/** PL/pgSQL, because CREATE TYPE and ADD CONSTRAINT have no IF NOT EXISTS. */
const ignoreDuplicate = (statement: string) =>
  `DO $$ BEGIN ${statement}; EXCEPTION WHEN duplicate_object THEN NULL; END $$`

const ddl: DdlHooks = {
  quote: quoteDouble,
  columnType: (type, enumName) => {
    switch (type._tag) {
      case "integer":
        return "INTEGER"
      case "bigint":
        return "BIGINT"
      case "float":
        return "DOUBLE PRECISION"
      case "numeric":
        return `NUMERIC(${type.precision}, ${type.scale})`
      case "string":
        return type.length === undefined ? "VARCHAR" : `VARCHAR(${type.length})`
      case "text":
        return "TEXT"
      case "boolean":
        return "BOOLEAN"
      case "date":
        return "DATE"
      case "dateTime":
        return type.timezone ? `TIMESTAMP(${type.precision}) WITH TIME ZONE` : `TIMESTAMP(${type.precision})`
      case "time":
        return `TIME(${type.precision})`
      case "uuid":
        return "UUID"
      case "json":
        return "JSONB"
      case "literal":
        return quoteDouble(enumName)
      case "binary":
        return "BYTEA"
      case "custom":
        return typeof type.sqlType === "string" ? type.sqlType : type.sqlType.postgresql ?? "TEXT"
    }
  },
  autoIncrement: (type) => ({ type: type._tag === "bigint" ? "BIGINT" : "INTEGER", clause: "GENERATED BY DEFAULT AS IDENTITY" }),
  // A TIMESTAMP without time zone holds UTC wall-clock time, whatever the session's TimeZone.
  call: (_call, type) =>
    type?._tag === "date"
      ? "((CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date)"
      : type?._tag === "dateTime" && !type.timezone
      ? "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')"
      : "CURRENT_TIMESTAMP",
  literal: ({ value }) =>
    value === null ? "NULL" : typeof value === "string" ? quoteString(value) : typeof value === "boolean" ? (value ? "TRUE" : "FALSE") : String(value),
  enumTypes: true,
  createEnum: (name, values) => ignoreDuplicate(`CREATE TYPE ${quoteDouble(name)} AS ENUM (${values.map((v) => quoteString(v)).join(", ")})`),
  dropEnum: (name) => `DROP TYPE IF EXISTS ${quoteDouble(name)}`,
  tableSuffix: "",
  alterForeignKeys: true,
  addForeignKey: (table, name, definition) =>
    ignoreDuplicate(`ALTER TABLE ${quoteDouble(table)} ADD CONSTRAINT ${quoteDouble(name)} ${definition}`),
  dropForeignKey: (table, name) => `ALTER TABLE IF EXISTS ${quoteDouble(table)} DROP CONSTRAINT IF EXISTS ${quoteDouble(name)}`,
  maxIdentifierLength: 63,
  aroundCyclicDrop: { before: [], after: [] }
}

/**
 * The PostgreSQL dialect.
 */
export const postgres: Dialect = { name: "postgresql", capabilities, classify, values, ddl, compiler: {
    placeholder: (index) => `$${index}`,
    numberedPlaceholders: true,
    maxParameters: 65535,
    limitOffset: (limit, offset) => `${limit === undefined ? "" : ` LIMIT ${limit}`}${offset === undefined ? "" : ` OFFSET ${offset}`}`,
    insertDefaults: (table) => `INSERT INTO ${table} DEFAULT VALUES`,
    syncIdentity: (table, column) => ({
      // Never backwards: the larger of the highest id and the sequence's last value.
      sql: `SELECT setval(s, GREATEST((SELECT MAX(${quoteDouble(column)}) FROM ${quoteDouble(table)}), COALESCE(pg_sequence_last_value(s::regclass), 1), 1)) FROM (SELECT pg_get_serial_sequence($1, $2) AS s) AS seq`,
      params: [quoteDouble(table), column]
    }),
    like: (operand, pattern) => `${operand} LIKE ${pattern}`,
    ilike: (operand, pattern) => `${operand} ILIKE ${pattern}`,
    concat: (parts) => `(${parts.join(" || ")})`,
    charLength: (text) => `CHAR_LENGTH(${text})`,
    orderTerm: (expression, direction, nulls) => `${expression} ${direction}${nulls === undefined ? "" : ` NULLS ${nulls.toUpperCase()}`}`,
    upsert: (target, set) =>
      ` ON CONFLICT (${target.join(", ")}) ${set.length === 0 ? "DO NOTHING" : `DO UPDATE SET ${set.map(([c, v]) => `${c} = ${v}`).join(", ")}`}`,
    excluded: (column) => `EXCLUDED.${column}`,
    typedLiteral: (placeholder, type) => `CAST(${placeholder} AS ${ddl.columnType(type, "")})`,
    enumAsText: (e) => `CAST(${e} AS TEXT)`,
    begin: (o) => [`BEGIN${o.isolation === undefined ? "" : ` ISOLATION LEVEL ${isolationSql[o.isolation]}`}${o.readOnly ? " READ ONLY" : ""}`],
    end: () => [],
    // Both are parameters of set_config, never SQL text; is_local = true ends them with the
    // transaction. The schema goes in as a quoted identifier, so that it names one schema.
    tenant: (schema, settings) => ({
      begin: [
        ...(schema === undefined ? [] : [{ sql: "SELECT set_config('search_path', $1, true)", params: [quoteDouble(schema)] }]),
        ...settings.map(([name, value]) => ({ sql: "SELECT set_config($1, $2, true)", params: [name, value] }))
      ],
      end: []
    }),
    affectedRows: (raw) => Number((raw as { rowCount?: number | null } | undefined)?.rowCount ?? 0),
    // --- selects (issue 14)
    setOperator: (op) => op,
    lock: ({ of, strength, wait }) =>
      ` FOR ${strength === "update" ? "UPDATE" : "SHARE"}${of.length === 0 ? "" : ` OF ${of.join(", ")}`}${
        wait === "nowait" ? " NOWAIT" : wait === "skipLocked" ? " SKIP LOCKED" : ""
      }`,
    // --- expressions (issue 14)
    rowValues: (rows) => rows.join(", "),
    isDistinctFrom: (left, right, negated) => `(${left} IS ${negated ? "NOT " : ""}DISTINCT FROM ${right})`,
    cast: (e, type) =>
      type._tag === "literal" || type._tag === "custom"
        ? { refused: `a ${type._tag} column type is not a CAST target (cast to Column.text())` }
        : `CAST(${e} AS ${ddl.columnType(type, "")})`,
    regexpMatch: (operand, pattern, ci) => `(${operand} ${ci ? "~*" : "~"} ${pattern})`,
    regexpReplace: (operand, pattern, replacement, ci) => `regexp_replace(${operand}, ${pattern}, ${replacement}, '${ci ? "gi" : "g"}')`,
    toFloat: (e) => `CAST(${e} AS DOUBLE PRECISION)`,
    intDivide: (left, right) => `(${left} / ${right})`,
    intRemainder: (left, right) => `(${left} % ${right})`,
    // --- writes (issue 14)
    writeCtes: "statement",
    updateFrom: ({ table, set, sources, where }) => {
      const assignments = set().map(([c, v]) => `${c} = ${v}`).join(", ")
      const from = sources().join(", ")
      return `UPDATE ${table} SET ${assignments} FROM ${from}${where === undefined ? "" : ` WHERE ${where()}`}`
    },
    deleteUsing: ({ table, sources, where }) => {
      const using = sources().join(", ")
      return `DELETE FROM ${table} USING ${using}${where === undefined ? "" : ` WHERE ${where()}`}`
    },
    upsertSelect: (select) => select,
    upsertSelectColumn: (_table, column) => column,
    // --- JSON and windows (issue 14)
    // A strict jsonpath, silent: a missing key, or an index into what is not an array, is
    // NULL (lax mode would unwrap arrays, and `->` reads a scalar as a one-element array).
    // Placeholders are numbered, so the value's text is used twice as is.
    jsonGet: (json, path, as, bind) => {
      const value = `jsonb_path_query_first(${json()}, CAST(${bind.text(`strict ${pathText(path)}`)} AS JSONPATH), '{}', TRUE)`
      switch (as) {
        case "json":
          return value
        case "string":
          return `(CASE WHEN jsonb_typeof(${value}) = 'string' THEN ${value} #>> '{}' END)`
        case "number":
          return `(CASE WHEN jsonb_typeof(${value}) = 'number' THEN CAST(${value} #>> '{}' AS DOUBLE PRECISION) END)`
        case "boolean":
          return `(CASE WHEN jsonb_typeof(${value}) = 'boolean' THEN CAST(${value} #>> '{}' AS BOOLEAN) END)`
      }
    },
    lagLead: ({ name, value, offset, fallback, window }) =>
      `${name}(${value()}, ${offset}${fallback === undefined ? "" : `, ${fallback()}`}) OVER (${window()})`
  } }
