/**
 * The statement compiler of the `@effect/sql` `SqlClient` an engine provides, per dialect.
 * Called only by the executor (`Executor.ts`).
 *
 * Built with `@effect/sql`'s own `Statement.makeCompiler` rather than taken from
 * `@effect/sql-pg` or `@effect/sql-mysql2`: those packages depend on the drivers, which
 * retort leaves to the application (optional peers), so a SQLite program never installs
 * pg or mysql2. Identifiers are escaped as those clients do (`Statement.defaultEscape`: a
 * dot separates a schema from a table), so `sql("a.b")` means what it means there.
 */
import * as Statement from "@effect/sql/Statement"
import type { DialectName } from "../../Url.js"

const unsupported = (): readonly [string, ReadonlyArray<unknown>] => ["", []]

const escapeDouble = Statement.defaultEscape("\"")
const escapeBacktick = Statement.defaultEscape("`")

/** The compiler for `dialect`. `sql.update` of several records compiles on PostgreSQL only, as with `@effect/sql-pg`. */
export const compilerFor = (dialect: DialectName): Statement.Compiler => {
  switch (dialect) {
    case "sqlite":
      return Statement.makeCompilerSqlite()
    case "postgresql":
      return Statement.makeCompiler({
        dialect: "pg",
        placeholder: (index) => `$${index}`,
        onIdentifier: (value) => escapeDouble(value),
        // `UPDATE t SET … FROM (VALUES …) AS alias(columns)`: @effect/sql writes the SET and
        // FROM parts; the values list and RETURNING are the dialect's.
        onRecordUpdate: (placeholders, alias, columns, values, returning) => [
          `(values ${placeholders}) AS ${alias}${columns}${returning === undefined ? "" : ` RETURNING ${returning[0]}`}`,
          returning === undefined ? values.flat() : [...values.flat(), ...returning[1]]
        ],
        onCustom: unsupported
      })
    case "mysql":
      return Statement.makeCompiler({
        dialect: "mysql",
        placeholder: () => "?",
        onIdentifier: (value) => escapeBacktick(value),
        onRecordUpdate: unsupported,
        onCustom: unsupported
      })
  }
}
