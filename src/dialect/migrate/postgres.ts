/**
 * PostgreSQL's spelling of migration operations. Everything is an `ALTER TABLE` PostgreSQL
 * runs inside a transaction, including `ALTER TYPE … ADD VALUE` (since PostgreSQL 12; before
 * it, that statement refuses a transaction block: retort's migrator needs PostgreSQL 12 or
 * later for it; the servers tested here run 15). A value added to an enum cannot be used in
 * the transaction that added it: use it in a later migration.
 *
 * Callers: src/internal/migration/compile.ts.
 */
import { Either } from "effect"
import type * as Inspect from "../../Inspect.js"
import type { MigrateHooks } from "../../internal/migration/hooks.js"
import { alter, columnSql, common, defaultSql, enumNameOf, typeSql } from "../../internal/migration/parts.js"
import { quoteDouble as q, quoteString } from "../../internal/sqlText.js"
import { postgres } from "../postgres.js"

const enumFor = (table: string, column: Inspect.Column): ReadonlyArray<string> =>
  column.type._tag === "literal" ? [postgres.ddl.createEnum(enumNameOf(table, column), column.type.values)] : []

/** A fixed key of retort's own for `pg_advisory_lock`: one migrator per database at a time. */
const lockKey = 7_426_590_311

export const migrate: MigrateHooks = {
  needsTable: () => undefined,
  precondition: () => undefined,
  // Session-level, on the connection the migrator holds; polled, so that waiting has a bound.
  lock: {
    _tag: "session",
    tryLock: () => ({ sql: "SELECT pg_try_advisory_lock($1) AS taken", params: [lockKey] }),
    taken: (rows) => rows[0]?.["taken"] === true,
    waits: false,
    unlock: { sql: "SELECT pg_advisory_unlock($1)", params: [lockKey] }
  },
  foreignKeys: undefined,
  tableExists: (name) => ({
    sql: "SELECT 1 AS found FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1",
    params: [name]
  }),
  compile: (op) => {
    const shared = common(postgres, op)
    if (shared !== undefined) return Either.right(shared)
    switch (op._tag) {
      case "AddColumn":
        return Either.right([...enumFor(op.table, op.column), `${alter(postgres, op.table)}ADD COLUMN ${columnSql(postgres, op.table, op.column)}`])
      case "DropColumn":
        return Either.right([`${alter(postgres, op.table)}DROP COLUMN ${q(op.column)}`])
      case "AlterColumn": {
        const c = q(op.column)
        const parts: Array<string> = []
        const before: Array<string> = []
        if (op.type !== undefined) {
          const column: Inspect.Column = { name: op.column, type: op.type, nullable: true, default: undefined, autoIncrement: false }
          before.push(...enumFor(op.table, column))
          const type = typeSql(postgres, op.table, column)
          // A default of the old type may not cast to the new one: it is dropped first, set again after if asked.
          if (op.default === undefined && op.previous?.default !== undefined) parts.push(`ALTER COLUMN ${c} DROP DEFAULT`)
          // Through text, so that any type converts to an enum and back.
          parts.push(`ALTER COLUMN ${c} TYPE ${type} USING ${c}::text::${type}`)
          if (op.default === undefined && op.previous?.default !== undefined) parts.push(`ALTER COLUMN ${c} SET DEFAULT ${defaultSql(op.previous.default)}`)
        }
        if (op.nullable !== undefined) parts.push(`ALTER COLUMN ${c} ${op.nullable ? "DROP" : "SET"} NOT NULL`)
        if (op.default !== undefined) parts.push(op.default === null ? `ALTER COLUMN ${c} DROP DEFAULT` : `ALTER COLUMN ${c} SET DEFAULT ${defaultSql(op.default)}`)
        if (parts.length === 0) return Either.left(`alterColumn ${op.table}.${op.column}: nothing to change (give type, nullable or default)`)
        return Either.right([...before, `${alter(postgres, op.table)}${parts.join(", ")}`])
      }
      case "DropIndex":
        return Either.right([`DROP INDEX ${q(op.name)}`])
      case "DropForeignKey":
      case "DropUnique":
      case "DropCheck":
        return Either.right([`${alter(postgres, op.table)}DROP CONSTRAINT ${q(op.name)}`])
      case "CreateEnum":
        return Either.right([`CREATE TYPE ${q(op.enum.name)} AS ENUM (${op.enum.values.map((v) => quoteString(v)).join(", ")})`])
      case "AddEnumValue":
        return Either.right([`ALTER TYPE ${q(op.name)} ADD VALUE ${quoteString(op.value)}`])
      case "DropEnum":
        return Either.right([`DROP TYPE ${q(op.name)}`])
      default:
        return Either.left(`${op._tag} is not supported on PostgreSQL`)
    }
  }
}
