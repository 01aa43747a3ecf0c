/**
 * SQLite's spelling of migration operations. `ALTER TABLE` adds a simple column and renames
 * tables and columns; everything else (dropping a column, changing its type, nullability or
 * default, adding or dropping a foreign key, unique or check constraint, adding a NOT NULL
 * column without a constant default) rebuilds the table from its live definition, as
 * Alembic's batch mode does (`src/internal/migration/rebuild.ts`). The rebuild needs
 * foreign-key enforcement off, which only changes outside a transaction: the migrator
 * turns it off before its transaction and runs `PRAGMA foreign_key_check` before commit.
 * There are no enum types: a literal column carries a CHECK, the enum operations compile
 * to nothing.
 *
 * Callers: src/internal/migration/compile.ts.
 */
import { Either } from "effect"
import type * as Inspect from "../../Inspect.js"
import type { Operation } from "../../internal/migration/operations.js"
import type { MigrateHooks } from "../../internal/migration/hooks.js"
import { alter, columnSql, common, isConstantDefault } from "../../internal/migration/parts.js"
import { applyTo, rebuildStatements } from "../../internal/migration/rebuild.js"
import { sqlite } from "../sqlite.js"

const q = sqlite.ddl.quote

/** ADD COLUMN works for a column that may be NULL or has a constant default, and is not a key or a literal. */
const simpleAdd = (column: Inspect.Column) =>
  !column.autoIncrement && column.type._tag !== "literal" &&
  (column.default === undefined ? column.nullable : isConstantDefault(column.default))

const rebuilt = (op: Operation): string | undefined => {
  switch (op._tag) {
    case "AddColumn":
      return simpleAdd(op.column) ? undefined : op.table
    case "DropColumn":
    case "AlterColumn":
    case "AddForeignKey":
    case "DropForeignKey":
    case "AddUnique":
    case "DropUnique":
    case "AddCheck":
    case "DropCheck":
      return op.table
    default:
      return undefined
  }
}

export const migrate: MigrateHooks = {
  needsTable: rebuilt,
  precondition: (op) =>
    rebuilt(op) === undefined ? undefined : {
      sql: "PRAGMA foreign_keys",
      refuse: (rows) =>
        Number(rows[0]?.["foreign_keys"]) === 1
          ? `${op._tag} rebuilds table "${rebuilt(op)}", which needs foreign keys off (PRAGMA foreign_keys = OFF, outside a transaction): run it through Migrator, which does so`
          : undefined
    },
  // BEGIN IMMEDIATE with busy_timeout 0, polled by the migrator (src/internal/migration/guard.ts).
  lock: {
    _tag: "transaction",
    busyTimeout: { read: "PRAGMA busy_timeout", set: (millis) => `PRAGMA busy_timeout = ${Math.max(0, Math.round(millis))}` }
  },
  foreignKeys: {
    read: "PRAGMA foreign_keys",
    off: "PRAGMA foreign_keys = OFF",
    on: "PRAGMA foreign_keys = ON",
    check: "PRAGMA foreign_key_check"
  },
  tableExists: (name) => ({ sql: "SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?", params: [name] }),
  compile: (op, current) => {
    if (rebuilt(op) !== undefined) {
      if (current === undefined) return Either.left(`${op._tag} rebuilds the table on SQLite, and its live definition was not found`)
      return Either.map(applyTo(sqlite, current, op), (change) => rebuildStatements(sqlite, current, change))
    }
    const shared = common(sqlite, op)
    if (shared !== undefined) return Either.right(shared)
    switch (op._tag) {
      case "AddColumn":
        return Either.right([`${alter(sqlite, op.table)}ADD COLUMN ${columnSql(sqlite, op.table, op.column)}`])
      case "DropIndex":
        return Either.right([`DROP INDEX ${q(op.name)}`])
      case "CreateEnum":
      case "AddEnumValue":
      case "DropEnum":
        return Either.right([])
      default:
        return Either.left(`${op._tag} is not supported on SQLite`)
    }
  }
}
