/**
 * MariaDB reflection: `information_schema` (TABLES, COLUMNS, STATISTICS, KEY_COLUMN_USAGE,
 * REFERENTIAL_CONSTRAINTS, CHECK_CONSTRAINTS) of `DATABASE()` only.
 *
 * Canonical choices (what `Inspect.fromMetaData` says too, src/internal/inspect/shape.ts):
 * - types from COLUMN_TYPE, as src/dialect/mysql.ts writes them: int, bigint, double,
 *   decimal(p,s), varchar(n), longtext, tinyint(1) (boolean), date, datetime(p) (no time
 *   zone), time(p), char(36) (uuid), longblob; MariaDB's JSON is a longtext with a CHECK
 *   (json_valid(column)) named after the column, read back as `json` without that CHECK;
 *   anything else is `custom` with COLUMN_TYPE's spelling;
 * - autoincrement is AUTO_INCREMENT;
 * - a unique constraint and a unique index are one thing in MariaDB (a unique index): both
 *   are reported in `uniques`; the PRIMARY index and the indexes MariaDB creates for a
 *   foreign key (named after it) are not listed; the primary key has no name (every one is
 *   PRIMARY);
 * - RESTRICT is reported where no action was given, and behaves as NO ACTION: both are
 *   `noAction`;
 * - defaults keep MariaDB's spelling of functions in lower case, `current_timestamp()` and
 *   `now()` are `CURRENT_TIMESTAMP`, and a decimal default loses its trailing zeros.
 *
 * Caller: src/Inspect.ts through src/dialect/reflect/index.ts.
 */
import { Effect } from "effect"
import type { Engine, Row } from "../../Engine.js"
import type * as Inspect from "../../Inspect.js"
import type { Reflector } from "../../internal/inspect/shape.js"
import { quoteString } from "../../internal/sqlText.js"
import { action, num, optionalText, text, typeParts, typeText } from "./common.js"
import { defaultOf, inList, normalize, type NormalizeOptions } from "./sqlText.js"

const options: NormalizeOptions = {
  backslashEscapes: true,
  quoteString: (v) => quoteString(v, true),
  quoteIdentifier: (name) => `\`${name.replace(/`/g, "``")}\``,
  simpleIdentifier: /^[A-Za-z_][A-Za-z0-9_]*$/,
  foldLower: false,
  stripCasts: false,
  nowFunctions: ["now", "current_timestamp", "localtimestamp", "localtime"],
  // information_schema reports these under MariaDB's own names.
  synonyms: { lcase: "lower", ucase: "upper" }
}

/** The canonical text of a server default or CHECK expression on MariaDB. */
export const normalizeSql = (sql: string): string => normalize(sql, options)

// MariaDB writes a DECIMAL default with the column's scale (0.00): trailing zeros go.
const normalizeDefault = (sql: string): string | undefined => {
  const n = defaultOf(normalizeSql(sql))
  return n !== undefined && /^-?\d+\.\d+$/.test(n) ? n.replace(/0+$/, "").replace(/\.$/, "") : n
}

const typeOf = (sqlType: string): Inspect.ColumnType => {
  const t = typeText(sqlType)
  const parts = typeParts(t)
  const args = parts?.args ?? []
  switch (parts?.name) {
    case "INT":
    case "INTEGER":
      return { _tag: "integer" }
    case "BIGINT":
      return { _tag: "bigint" }
    case "DOUBLE":
      if (args.length === 0) return { _tag: "float" }
      break
    case "DECIMAL":
    case "NUMERIC":
      if (args.length === 2) return { _tag: "numeric", precision: args[0]!, scale: args[1]! }
      break
    case "VARCHAR":
      if (args.length === 1) return { _tag: "string", length: args[0]! }
      break
    case "LONGTEXT":
      return { _tag: "text" }
    case "BOOLEAN":
    case "BOOL":
      return { _tag: "boolean" }
    case "TINYINT":
      if (args.length === 1 && args[0] === 1) return { _tag: "boolean" }
      break
    case "DATE":
      return { _tag: "date" }
    case "DATETIME":
      return { _tag: "dateTime", timezone: false, precision: args[0] ?? 0 }
    case "TIME":
      return { _tag: "time", precision: args[0] ?? 0 }
    case "CHAR":
      if (args.length === 1 && args[0] === 36) return { _tag: "uuid" }
      break
    case "JSON":
      return { _tag: "json" }
    case "LONGBLOB":
      return { _tag: "binary" }
  }
  return { _tag: "custom", sqlType: sqlType.trim().replace(/\s+/g, " ").toLowerCase() }
}

const byTable = (rows: ReadonlyArray<Row>) => {
  const map = new Map<string, Array<Row>>()
  for (const r of rows) map.set(text(r, "table_name"), [...(map.get(text(r, "table_name")) ?? []), r])
  return (name: string) => map.get(name) ?? []
}

/** Rows of one kind grouped by constraint or index name, in the order they came. */
const byName = (rows: ReadonlyArray<Row>, column: string) => {
  const map = new Map<string, Array<Row>>()
  for (const r of rows) map.set(text(r, column), [...(map.get(text(r, column)) ?? []), r])
  return map
}

const read = (engine: Engine, exclude: ReadonlySet<string>) =>
  Effect.gen(function*() {
    const tableRows = yield* engine.execute(
      `SELECT TABLE_NAME AS table_name FROM information_schema.TABLES
       WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`
    )
    const columns = byTable(yield* engine.execute(
      `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS name, COLUMN_DEFAULT AS dflt, IS_NULLABLE AS nullable,
              COLUMN_TYPE AS type, EXTRA AS extra
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`
    ))
    const statistics = byTable(yield* engine.execute(
      `SELECT TABLE_NAME AS table_name, INDEX_NAME AS name, NON_UNIQUE AS non_unique, COLUMN_NAME AS column_name
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`
    ))
    const foreignKeys = byTable(yield* engine.execute(
      `SELECT k.TABLE_NAME AS table_name, k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS column_name,
              k.REFERENCED_TABLE_NAME AS ref_table, k.REFERENCED_COLUMN_NAME AS ref_column,
              r.DELETE_RULE AS on_delete, r.UPDATE_RULE AS on_update
       FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r
         ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
       WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
       ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`
    ))
    const checks = byTable(yield* engine.execute(
      `SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS name, CHECK_CLAUSE AS check_sql
       FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME`
    ))
    const tables: Array<Inspect.Table> = []
    for (const tableRow of tableRows) {
      const name = text(tableRow, "table_name")
      if (exclude.has(name)) continue
      // MariaDB's JSON: a longtext with CHECK (json_valid(`column`)) named after the column.
      const jsonChecks = new Set<string>()
      const tableChecks: Array<Inspect.Check> = []
      for (const r of checks(name)) {
        const sql = normalizeSql(text(r, "check_sql"))
        if (sql === `json_valid(${normalizeSql(options.quoteIdentifier(text(r, "name")))})`) jsonChecks.add(text(r, "name"))
        else tableChecks.push({ name: text(r, "name"), sql })
      }
      const columnList: Array<Inspect.Column> = columns(name).map((r) => {
        const type = typeOf(text(r, "type"))
        const dflt = optionalText(r, "dflt")
        return {
          name: text(r, "name"),
          type: type._tag === "text" && jsonChecks.has(text(r, "name")) ? { _tag: "json" } : type,
          nullable: text(r, "nullable") === "YES",
          default: dflt === undefined ? undefined : normalizeDefault(dflt),
          autoIncrement: text(r, "extra").toLowerCase().includes("auto_increment")
        }
      })
      const fks = byName(foreignKeys(name), "name")
      const indexes: Array<Inspect.Index> = []
      const uniques: Array<Inspect.Unique> = []
      let primaryKey: Inspect.PrimaryKey | undefined
      for (const [indexName, rows] of byName(statistics(name), "name")) {
        const cols = rows.map((r) => text(r, "column_name"))
        if (indexName === "PRIMARY") primaryKey = { name: undefined, columns: cols }
        else if (num(rows[0]!, "non_unique") === 0) uniques.push({ name: indexName, columns: cols })
        else if (!fks.has(indexName)) indexes.push({ name: indexName, columns: cols, unique: false })
      }
      tables.push({
        name,
        columns: columnList,
        primaryKey,
        foreignKeys: [...fks].map(([fkName, rows]) => ({
          name: fkName,
          columns: rows.map((r) => text(r, "column_name")),
          referencedTable: text(rows[0]!, "ref_table"),
          referencedColumns: rows.map((r) => text(r, "ref_column")),
          onDelete: sameAction(action(text(rows[0]!, "on_delete"))),
          onUpdate: sameAction(action(text(rows[0]!, "on_update")))
        })),
        indexes,
        uniques,
        checks: tableChecks
      })
    }
    return { tables, enums: [] }
  })

const sameAction: Reflector["action"] = (a) => (a === "restrict" ? "noAction" : a)

/** MariaDB's reflector. */
export const reflector: Reflector = {
  read,
  normalizeDefault,
  normalizeCheck: normalizeSql,
  typeOf,
  autoIncrement: ({ declared }) => declared,
  primaryKeyName: () => undefined,
  uniqueIndexesAreConstraints: true,
  enumTypes: false,
  action: sameAction,
  inList: (sql) => inList(sql, options)
}
