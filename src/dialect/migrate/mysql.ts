/**
 * MariaDB's (and MySQL's) spelling of migration operations: `MODIFY` for a changed column
 * (it needs the whole column, read from the live table), `DROP FOREIGN KEY`, `DROP INDEX`
 * for unique constraints, `DROP CONSTRAINT` for checks. There are no enum types: a literal
 * column carries a CHECK of its values, so the enum operations compile to nothing.
 *
 * MariaDB commits every DDL statement on its own: see `src/Migrator.ts` for what a failure
 * in the middle of a migration leaves.
 *
 * Callers: src/internal/migration/compile.ts.
 */
import { Either } from "effect"
import type * as Inspect from "../../Inspect.js"
import type { MigrateHooks } from "../../internal/migration/hooks.js"
import { alter, columnSql, common, defaultSql, valuesCheck, valuesCheckName } from "../../internal/migration/parts.js"
import { applyTo } from "../../internal/migration/rebuild.js"
import { mysql } from "../mysql.js"

const q = mysql.ddl.quote

const withValues = (table: string, column: Inspect.Column) => {
  const check = valuesCheck(mysql, table, column)
  return check === undefined ? "" : `, ADD ${check}`
}

export const migrate: MigrateHooks = {
  precondition: () => undefined,
  // GET_LOCK belongs to the connection the migrator holds; it waits up to the given seconds.
  lock: {
    _tag: "session",
    tryLock: (waitSeconds) => ({ sql: "SELECT GET_LOCK(?, ?) AS taken", params: ["retort_migrations", waitSeconds] }),
    taken: (rows) => Number(rows[0]?.["taken"]) === 1,
    waits: true,
    unlock: { sql: "SELECT RELEASE_LOCK(?) AS released", params: ["retort_migrations"] }
  },
  foreignKeys: undefined,
  tableExists: (name) => ({
    sql: "SELECT 1 AS found FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?",
    params: [name]
  }),
  needsTable: (op) => (op._tag === "AlterColumn" && (op.type !== undefined || op.nullable !== undefined) ? op.table : undefined),
  compile: (op, current) => {
    const shared = common(mysql, op)
    if (shared !== undefined) return Either.right(shared)
    switch (op._tag) {
      case "AddColumn":
        return Either.right([`${alter(mysql, op.table)}ADD COLUMN ${columnSql(mysql, op.table, op.column)}${withValues(op.table, op.column)}`])
      case "DropColumn":
        // MariaDB drops the CHECKs on the column with it.
        return Either.right([`${alter(mysql, op.table)}DROP COLUMN ${q(op.column)}`])
      case "AlterColumn": {
        const c = q(op.column)
        if (op.type === undefined && op.nullable === undefined) {
          if (op.default === undefined) return Either.left(`alterColumn ${op.table}.${op.column}: nothing to change (give type, nullable or default)`)
          return Either.right([`${alter(mysql, op.table)}ALTER COLUMN ${c} ${op.default === null ? "DROP DEFAULT" : `SET DEFAULT ${defaultSql(op.default)}`}`])
        }
        if (current === undefined) return Either.left(`alterColumn ${op.table}.${op.column}: MODIFY needs the live table, which was not found`)
        const before = current.columns.find((col) => col.name === op.column)
        const changed = applyTo(mysql, current, op)
        if (Either.isLeft(changed) || before === undefined) return Either.left(Either.isLeft(changed) ? changed.left : `table "${op.table}" has no column "${op.column}"`)
        const after = changed.right.table.columns.find((col) => col.name === op.column)!
        const parts: Array<string> = []
        if (before.type._tag === "literal") parts.push(`DROP CONSTRAINT IF EXISTS ${q(valuesCheckName(mysql, op.table, op.column))}`)
        parts.push(`MODIFY COLUMN ${columnSql(mysql, op.table, after)}`)
        const check = valuesCheck(mysql, op.table, after)
        if (check !== undefined) parts.push(`ADD ${check}`)
        return Either.right([`${alter(mysql, op.table)}${parts.join(", ")}`])
      }
      case "DropIndex":
        return Either.right([`DROP INDEX ${q(op.name)} ON ${q(op.table)}`])
      case "DropForeignKey":
        // MariaDB keeps the index it made for the key (named after it): dropped with it.
        return Either.right([`${alter(mysql, op.table)}DROP FOREIGN KEY ${q(op.name)}, DROP INDEX IF EXISTS ${q(op.name)}`])
      case "DropUnique":
        return Either.right([`${alter(mysql, op.table)}DROP INDEX ${q(op.name)}`])
      case "DropCheck":
        return Either.right([`${alter(mysql, op.table)}DROP CONSTRAINT ${q(op.name)}`])
      case "CreateEnum":
      case "AddEnumValue":
      case "DropEnum":
        return Either.right([])
      default:
        return Either.left(`${op._tag} is not supported on MariaDB`)
    }
  }
}
