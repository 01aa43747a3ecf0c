/**
 * The DDL of every migration operation on each dialect, side by side (Migration.sql, no
 * database). SQLite's rebuilds and MariaDB's MODIFY are compiled against a given live table.
 */
import { describe, expect, it } from "@effect/vitest"
import type * as Inspect from "../src/Inspect.js"
import * as Migration from "../src/Migration.js"
import type { Operation } from "../src/internal/migration/operations.js"

const users: Inspect.Table = {
  name: "users",
  columns: [
    { name: "id", type: { _tag: "integer" }, nullable: false, default: undefined, autoIncrement: true },
    { name: "email", type: { _tag: "string", length: 100 }, nullable: false, default: undefined, autoIncrement: false },
    { name: "age", type: { _tag: "integer" }, nullable: true, default: "0", autoIncrement: false },
    { name: "team_id", type: { _tag: "integer" }, nullable: true, default: undefined, autoIncrement: false }
  ],
  primaryKey: { name: "users_pkey", columns: ["id"] },
  foreignKeys: [{ name: "users_team_id_fkey", columns: ["team_id"], referencedTable: "teams", referencedColumns: ["id"], onDelete: "setNull", onUpdate: "noAction" }],
  indexes: [{ name: "ix_users_age", columns: ["age"], unique: false }],
  uniques: [{ name: "users_email_key", columns: ["email"] }],
  checks: [{ name: "users_age_check", sql: "age >= 0" }]
}

const operations: ReadonlyArray<Operation> = [
  { _tag: "CreateTable", table: users },
  { _tag: "DropTable", table: "users" },
  { _tag: "RenameTable", from: "users", to: "people" },
  { _tag: "AddColumn", table: "users", column: { name: "nick", type: { _tag: "string", length: 20 }, nullable: true, default: undefined, autoIncrement: false } },
  { _tag: "AddColumn", table: "users", column: { name: "status", type: { _tag: "literal", values: ["on", "off"], enumName: undefined }, nullable: false, default: "'on'", autoIncrement: false } },
  { _tag: "DropColumn", table: "users", column: "age" },
  { _tag: "AlterColumn", table: "users", column: "email", type: { _tag: "string", length: 200 }, nullable: true },
  { _tag: "AlterColumn", table: "users", column: "age", default: null },
  { _tag: "RenameColumn", table: "users", from: "email", to: "mail" },
  { _tag: "CreateIndex", table: "users", index: { name: "ix_users_email", columns: ["email"], unique: true } },
  { _tag: "DropIndex", table: "users", name: "ix_users_age" },
  { _tag: "AddForeignKey", table: "users", foreignKey: { name: undefined, columns: ["age"], referencedTable: "ages", referencedColumns: ["n"], onDelete: "cascade", onUpdate: "cascade" } },
  { _tag: "DropForeignKey", table: "users", name: "users_team_id_fkey" },
  { _tag: "AddUnique", table: "users", unique: { name: undefined, columns: ["email", "age"] } },
  { _tag: "DropUnique", table: "users", name: "users_email_key" },
  { _tag: "AddCheck", table: "users", check: { name: "users_email_check", sql: "email <> ''" } },
  { _tag: "DropCheck", table: "users", name: "users_age_check" },
  { _tag: "CreateEnum", enum: { name: "mood", values: ["happy", "it's fine"] } },
  { _tag: "AddEnumValue", name: "mood", value: "sad" },
  { _tag: "DropEnum", name: "mood" },
  { _tag: "Execute", sql: "UPDATE users SET age = ?", params: [1] }
]

const label = (op: Operation) => `${op._tag}${"column" in op && typeof op.column === "object" ? ` ${op.column.name}` : "column" in op ? ` ${op.column}` : ""}`

describe("Migration.sql", () => {
  it("compiles every operation on each dialect", () => {
    const out = operations.map((op) => ({
      op: label(op),
      sqlite: Migration.sql(op, "sqlite", [users]),
      postgresql: Migration.sql(op, "postgresql", [users]),
      mysql: Migration.sql(op, "mysql", [users])
    }))
    expect(out).toMatchSnapshot()
  })

  it("says when an operation needs the live table", () => {
    expect(Migration.sql({ _tag: "DropColumn", table: "users", column: "age" }, "sqlite")[0]).toMatch(/^-- DropColumn: .*live definition/)
    expect(Migration.sql({ _tag: "DropColumn", table: "nope", column: "age" }, "sqlite", [users])[0]).toMatch(/table "nope" does not exist/)
    expect(Migration.sql({ _tag: "DropColumn", table: "users", column: "nope" }, "sqlite", [users])[0]).toMatch(/has no column "nope"/)
    expect(Migration.sql({ _tag: "DropColumn", table: "users", column: "id" }, "sqlite", [users])[0]).toMatch(/primary key/)
  })

  it("MariaDB's MODIFY writes the whole live column: type, nullability, default, AUTO_INCREMENT", () => {
    expect(Migration.sql({ _tag: "AlterColumn", table: "users", column: "age", nullable: false }, "mysql", [users])).toEqual([
      "ALTER TABLE `users` MODIFY COLUMN `age` INT NOT NULL DEFAULT 0"
    ])
    expect(Migration.sql({ _tag: "AlterColumn", table: "users", column: "id", type: { _tag: "bigint" } }, "mysql", [users])).toEqual([
      "ALTER TABLE `users` MODIFY COLUMN `id` BIGINT NOT NULL AUTO_INCREMENT"
    ])
    expect(Migration.sql({ _tag: "AlterColumn", table: "users", column: "age", type: { _tag: "bigint" }, default: "5" }, "mysql", [users])).toEqual([
      "ALTER TABLE `users` MODIFY COLUMN `age` BIGINT DEFAULT 5"
    ])
    expect(Migration.sql({ _tag: "AlterColumn", table: "users", column: "age", nullable: false }, "mysql")[0]).toMatch(/^-- AlterColumn: .*live table/)
  })

  it("quotes identifiers and renders literals with the dialect's functions", () => {
    expect(Migration.sql({ _tag: "RenameTable", from: "a\"b", to: "c`d" }, "postgresql")).toEqual([`ALTER TABLE "a""b" RENAME TO "c\`d"`])
    expect(Migration.sql({ _tag: "RenameTable", from: "a\"b", to: "c`d" }, "mysql")).toEqual(["ALTER TABLE `a\"b` RENAME TO `c``d`"])
    expect(Migration.sql({ _tag: "AddEnumValue", name: "m", value: "it's" }, "postgresql")).toEqual([`ALTER TYPE "m" ADD VALUE 'it''s'`])
  })
})
