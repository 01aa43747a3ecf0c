/**
 * The inverse of a migration operation, built from what it carries (`previous`), for the
 * `down` that `Migrator.render` writes. An operation whose inverse cannot be known (an
 * `Execute`, a drop written without `previous`, an enum value added on PostgreSQL, which
 * cannot drop one) gives the reason instead. Called by `src/internal/migration/render.ts`.
 */
import type * as Inspect from "../../Inspect.js"
import type { Operation } from "./operations.js"

/** The inverse operation, or why there is none. */
export type Inverse =
  | { readonly _tag: "Inverse"; readonly operation: Operation }
  | { readonly _tag: "Irreversible"; readonly reason: string }

const of = (operation: Operation): Inverse => ({ _tag: "Inverse", operation })
const no = (reason: string): Inverse => ({ _tag: "Irreversible", reason })
const missing = (what: string) => no(`${what} was written without its previous state, so down cannot restore it`)

/** The column as it is once `op` (an AlterColumn) has run. */
const altered = (previous: Inspect.Column, op: Extract<Operation, { _tag: "AlterColumn" }>): Inspect.Column => {
  const { default: _default, ...rest } = previous
  const def = op.default === undefined ? previous.default : op.default === null ? undefined : op.default
  return {
    ...rest,
    default: def,
    ...(op.type !== undefined ? { type: op.type } : {}),
    ...(op.nullable !== undefined ? { nullable: op.nullable } : {})
  }
}

/** The inverse of one operation. */
export const inverse = (op: Operation): Inverse => {
  switch (op._tag) {
    case "CreateTable":
      return of({ _tag: "DropTable", table: op.table.name, previous: op.table })
    case "DropTable":
      return op.previous ? of({ _tag: "CreateTable", table: op.previous }) : missing(`dropTable("${op.table}")`)
    case "RenameTable":
      return of({ _tag: "RenameTable", from: op.to, to: op.from })
    case "AddColumn":
      return of({ _tag: "DropColumn", table: op.table, column: op.column.name, previous: op.column })
    case "DropColumn":
      return op.previous
        ? of({ _tag: "AddColumn", table: op.table, column: op.previous })
        : missing(`dropColumn("${op.table}", "${op.column}")`)
    case "AlterColumn": {
      const previous = op.previous
      if (previous === undefined) return missing(`alterColumn("${op.table}", "${op.column}")`)
      return of({
        _tag: "AlterColumn",
        table: op.table,
        column: op.column,
        ...(op.type !== undefined ? { type: previous.type } : {}),
        ...(op.nullable !== undefined ? { nullable: previous.nullable } : {}),
        ...(op.default !== undefined ? { default: previous.default ?? null } : {}),
        previous: altered(previous, op)
      })
    }
    case "RenameColumn":
      return of({ _tag: "RenameColumn", table: op.table, from: op.to, to: op.from })
    case "CreateIndex":
      return of({ _tag: "DropIndex", table: op.table, name: op.index.name, previous: op.index })
    case "DropIndex":
      return op.previous ? of({ _tag: "CreateIndex", table: op.table, index: op.previous }) : missing(`dropIndex("${op.table}", "${op.name}")`)
    case "AddForeignKey":
      return op.foreignKey.name !== undefined
        ? of({ _tag: "DropForeignKey", table: op.table, name: op.foreignKey.name, previous: op.foreignKey })
        : no(`the foreign key added to "${op.table}" has no name, so down cannot drop it`)
    case "DropForeignKey":
      return op.previous
        ? of({ _tag: "AddForeignKey", table: op.table, foreignKey: op.previous })
        : missing(`dropForeignKey("${op.table}", "${op.name}")`)
    case "AddUnique":
      return op.unique.name !== undefined
        ? of({ _tag: "DropUnique", table: op.table, name: op.unique.name, previous: op.unique })
        : no(`the unique constraint added to "${op.table}" has no name, so down cannot drop it`)
    case "DropUnique":
      return op.previous ? of({ _tag: "AddUnique", table: op.table, unique: op.previous }) : missing(`dropUnique("${op.table}", "${op.name}")`)
    case "AddCheck":
      return op.check.name !== undefined
        ? of({ _tag: "DropCheck", table: op.table, name: op.check.name, previous: op.check })
        : no(`the check constraint added to "${op.table}" has no name, so down cannot drop it`)
    case "DropCheck":
      return op.previous ? of({ _tag: "AddCheck", table: op.table, check: op.previous }) : missing(`dropCheck("${op.table}", "${op.name}")`)
    case "CreateEnum":
      return of({ _tag: "DropEnum", name: op.enum.name, previous: op.enum })
    case "AddEnumValue":
      return no(`PostgreSQL cannot drop the value '${op.value}' added to the enum type "${op.name}"`)
    case "DropEnum":
      return op.previous ? of({ _tag: "CreateEnum", enum: op.previous }) : missing(`dropEnum("${op.name}")`)
    case "Execute":
      return no("a raw SQL statement (execute) has no known inverse")
  }
}
