/**
 * SQLite reflection: `sqlite_master` and the `pragma_table_info`, `pragma_foreign_key_list`,
 * `pragma_index_list` and `pragma_index_info` table-valued functions of the main database,
 * plus the CREATE TABLE text (walked with the tokenizer of `./sqlText.ts`) for what the
 * pragmas do not say: constraint names and CHECK constraints.
 *
 * Canonical choices (what `Inspect.fromMetaData` says too, src/internal/inspect/shape.ts):
 * - types come back from the declared type text as retort's DDL writes it (src/dialect/sqlite.ts):
 *   INTEGER, BIGINT, REAL, NUMERIC(p, s), VARCHAR(n), TEXT, BOOLEAN, DATE, DATETIME, TIME,
 *   CHAR(36) (uuid), BLOB; anything else is `custom` with the declared text. So json is
 *   `text`, a numeric wider than 15 digits is `text`, dateTime has no time zone;
 * - a column is autoincrement when it is the rowid: declared exactly INTEGER and the whole
 *   primary key (retort's DDL writes `"id" INTEGER NOT NULL` and `PRIMARY KEY ("id")`,
 *   without the AUTOINCREMENT keyword);
 * - a UNIQUE constraint (`pragma_index_list` origin `u`) is in `uniques`, a CREATE [UNIQUE]
 *   INDEX (origin `c`) in `indexes`; the primary key's index is not listed.
 *
 * Caller: src/Inspect.ts through src/dialect/reflect/index.ts.
 */
import { Effect } from "effect"
import type { Engine } from "../../Engine.js"
import type * as Inspect from "../../Inspect.js"
import type { Reflector } from "../../internal/inspect/shape.js"
import { quoteDouble, quoteString } from "../../internal/sqlText.js"
import { action, num, optionalText, text, typeParts, typeText } from "./common.js"
import { defaultOf, inList, normalize, type NormalizeOptions, type Token, tokenize } from "./sqlText.js"

const options: NormalizeOptions = {
  backslashEscapes: false,
  quoteString: (v) => quoteString(v),
  quoteIdentifier: quoteDouble,
  simpleIdentifier: /^[A-Za-z_][A-Za-z0-9_]*$/,
  foldLower: false,
  stripCasts: false,
  nowFunctions: []
}

/** The canonical text of a server default or CHECK expression on SQLite. */
export const normalizeSql = (sql: string): string => normalize(sql, options)

const normalizeDefault = (sql: string): string | undefined => defaultOf(normalizeSql(sql))

const typeOf = (sqlType: string): Inspect.ColumnType => {
  const t = typeText(sqlType)
  const parts = typeParts(t)
  switch (parts?.args.length === 0 ? parts.name : t) {
    case "INTEGER":
      return { _tag: "integer" }
    case "BIGINT":
      return { _tag: "bigint" }
    case "REAL":
      return { _tag: "float" }
    case "TEXT":
      return { _tag: "text" }
    case "BOOLEAN":
      return { _tag: "boolean" }
    case "DATE":
      return { _tag: "date" }
    case "DATETIME":
      return { _tag: "dateTime", timezone: false, precision: 6 }
    case "TIME":
      return { _tag: "time", precision: 6 }
    case "CHAR(36)":
      return { _tag: "uuid" }
    case "BLOB":
      return { _tag: "binary" }
  }
  if (parts?.name === "NUMERIC" && parts.args.length === 2) return { _tag: "numeric", precision: parts.args[0]!, scale: parts.args[1]! }
  if (parts?.name === "VARCHAR" && parts.args.length === 1) return { _tag: "string", length: parts.args[0]! }
  return { _tag: "custom", sqlType: sqlType.trim() }
}

interface TableText {
  /** `WITHOUT ROWID`: no column is the rowid, so none autoincrements. */
  readonly withoutRowid: boolean
  readonly primaryKeyName: string | undefined
  readonly uniqueNames: ReadonlyMap<string, string>
  readonly foreignKeyNames: ReadonlyMap<string, string>
  readonly checks: ReadonlyArray<Inspect.Check>
}

const isWord = (t: Token | undefined, word: string) => t !== undefined && t.kind === "ident" && t.value.toUpperCase() === word

/** The index of the parenthesis closing the one at `open`. */
const closing = (tokens: ReadonlyArray<Token>, open: number): number => {
  let depth = 0
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i]!.kind !== "punct") continue
    if (tokens[i]!.value === "(") depth++
    else if (tokens[i]!.value === ")" && --depth === 0) return i
  }
  return tokens.length - 1
}

/** Column names in a parenthesized list starting at `open`. */
const nameList = (tokens: ReadonlyArray<Token>, open: number): string =>
  tokens.slice(open + 1, closing(tokens, open)).filter((t) => t.kind === "ident" || t.kind === "quoted").map((t) => t.value).join(",")

/** Names and CHECKs from the CREATE TABLE text, constraint by constraint. */
const readTableText = (sql: string): TableText => {
  const tokens = tokenize(sql, options)
  const uniqueNames = new Map<string, string>()
  const foreignKeyNames = new Map<string, string>()
  const checks: Array<Inspect.Check> = []
  let primaryKeyName: string | undefined
  const open = tokens.findIndex((t) => t.kind === "punct" && t.value === "(")
  if (open === -1) return { withoutRowid: false, primaryKeyName, uniqueNames, foreignKeyNames, checks }
  const end = closing(tokens, open)
  const withoutRowid = tokens.slice(end + 1).some((t, i, rest) => isWord(t, "WITHOUT") && isWord(rest[i + 1], "ROWID"))
  // Definitions split at top-level commas.
  const definitions: Array<ReadonlyArray<Token>> = []
  let start = open + 1
  let depth = 0
  for (let i = open + 1; i <= end; i++) {
    const t = tokens[i]!
    if (t.kind === "punct" && t.value === "(") depth++
    if (t.kind === "punct" && t.value === ")") depth--
    if (i === end || (depth === 0 && t.kind === "punct" && t.value === ",")) {
      definitions.push(tokens.slice(start, i))
      start = i + 1
    }
  }
  for (const def of definitions) {
    const tableConstraint = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"].some((w) => isWord(def[0], w))
    let name: string | undefined
    for (let i = tableConstraint ? 0 : 1; i < def.length; i++) {
      const t = def[i]!
      if (t.kind === "punct" && t.value === "(") {
        i = closing(def, i)
        continue
      }
      if (isWord(t, "CONSTRAINT")) {
        name = def[i + 1]?.value
        i++
      } else if (isWord(t, "CHECK") && def[i + 1]?.value === "(") {
        const close = closing(def, i + 1)
        checks.push({ name, sql: normalizeSql(sql.slice(def[i + 1]!.end, def[close]!.start)) })
        name = undefined
        i = close
      } else if (isWord(t, "PRIMARY")) {
        if (name !== undefined) primaryKeyName = name
        name = undefined
      } else if (tableConstraint && isWord(t, "UNIQUE") && def[i + 1]?.value === "(") {
        if (name !== undefined) uniqueNames.set(nameList(def, i + 1), name)
        name = undefined
      } else if (tableConstraint && isWord(t, "FOREIGN") && isWord(def[i + 1], "KEY") && def[i + 2]?.value === "(") {
        if (name !== undefined) foreignKeyNames.set(nameList(def, i + 2), name)
        name = undefined
        break
      }
    }
  }
  return { withoutRowid, primaryKeyName, uniqueNames, foreignKeyNames, checks }
}

const readTable = (engine: Engine, name: string, sql: string) =>
  Effect.gen(function*() {
    const info = readTableText(sql)
    const columnRows = yield* engine.execute("SELECT * FROM pragma_table_info(?, 'main') ORDER BY cid", [name])
    const keyed = columnRows.filter((r) => num(r, "pk") > 0).sort((a, b) => num(a, "pk") - num(b, "pk"))
    const primaryKeyColumns = keyed.map((r) => text(r, "name"))
    const columns: Array<Inspect.Column> = columnRows.map((r) => {
      const declared = text(r, "type")
      const dflt = optionalText(r, "dflt_value")
      return {
        name: text(r, "name"),
        type: typeOf(declared),
        nullable: num(r, "notnull") === 0 && num(r, "pk") === 0,
        default: dflt === undefined ? undefined : normalizeDefault(dflt),
        autoIncrement: !info.withoutRowid &&
          autoIncrement({ sqlType: declared, declared: false, soleKey: primaryKeyColumns.length === 1 && num(r, "pk") === 1 })
      }
    })

    const fkRows = yield* engine.execute("SELECT * FROM pragma_foreign_key_list(?, 'main') ORDER BY id, seq", [name])
    const byId = new Map<number, Array<typeof fkRows[number]>>()
    for (const r of fkRows) byId.set(num(r, "id"), [...(byId.get(num(r, "id")) ?? []), r])
    const foreignKeys: Array<Inspect.ForeignKey> = []
    for (const rows of byId.values()) {
      const target = text(rows[0]!, "table")
      let referencedColumns = rows.map((r) => optionalText(r, "to"))
      if (referencedColumns.some((c) => c === undefined)) {
        // REFERENCES t without columns: the target's primary key.
        const targetColumns = yield* engine.execute("SELECT name, pk FROM pragma_table_info(?, 'main') WHERE pk > 0 ORDER BY pk", [target])
        referencedColumns = targetColumns.map((r) => text(r, "name"))
      }
      const columnsOf = rows.map((r) => text(r, "from"))
      foreignKeys.push({
        name: info.foreignKeyNames.get(columnsOf.join(",")),
        columns: columnsOf,
        referencedTable: target,
        referencedColumns: referencedColumns as ReadonlyArray<string>,
        onDelete: action(text(rows[0]!, "on_delete")),
        onUpdate: action(text(rows[0]!, "on_update"))
      })
    }

    const indexRows = yield* engine.execute("SELECT * FROM pragma_index_list(?, 'main') ORDER BY name", [name])
    const indexes: Array<Inspect.Index> = []
    const uniques: Array<Inspect.Unique> = []
    for (const r of indexRows) {
      const origin = text(r, "origin")
      if (origin === "pk") continue
      const indexName = text(r, "name")
      const parts = yield* engine.execute("SELECT * FROM pragma_index_info(?) ORDER BY seqno", [indexName])
      const cols = parts.map((p) => text(p, "name"))
      if (origin === "u") uniques.push({ name: info.uniqueNames.get(cols.join(",")), columns: cols })
      else indexes.push({ name: indexName, columns: cols, unique: num(r, "unique") === 1 })
    }

    const table: Inspect.Table = {
      name,
      columns,
      primaryKey: primaryKeyColumns.length === 0 ? undefined : { name: info.primaryKeyName, columns: primaryKeyColumns },
      foreignKeys,
      indexes,
      uniques,
      checks: info.checks
    }
    return table
  })

const autoIncrement: Reflector["autoIncrement"] = ({ sqlType, soleKey }) => soleKey && typeText(sqlType) === "INTEGER"

/** SQLite's reflector. */
export const reflector: Reflector = {
  read: (engine, exclude) =>
    Effect.gen(function*() {
      const rows = yield* engine.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
      )
      const tables = yield* Effect.forEach(
        rows.filter((r) => !exclude.has(text(r, "name"))),
        (r) => readTable(engine, text(r, "name"), text(r, "sql"))
      )
      return { tables, enums: [] }
    }),
  normalizeDefault,
  normalizeCheck: normalizeSql,
  typeOf,
  autoIncrement,
  primaryKeyName: (name) => name,
  uniqueIndexesAreConstraints: false,
  action: (a) => a,
  enumTypes: false,
  inList: (sql) => inList(sql, options)
}
