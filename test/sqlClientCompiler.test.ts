/**
 * The statement compilers of the `SqlClient` an engine provides (`src/internal/execution/sqlCompiler.ts`):
 * SQL text and parameters per dialect, as `@effect/sql-pg`, `@effect/sql-mysql2` and
 * `@effect/sql`'s SQLite compiler write them (checked against those once, when retort stopped
 * depending on them). Nothing is executed: building an engine opens no connection.
 */
import { assert, describe, it } from "@effect/vitest"
import type { SqlClient as Client } from "@effect/sql/SqlClient"
import { SqlClient } from "@effect/sql/SqlClient"
import { Effect } from "effect"
import * as Engine from "../src/Engine.js"

const statements = (sql: Client) => [
  sql`SELECT * FROM ${sql("s.t")} WHERE ${sql("id")} = ${1} AND name IN ${sql.in(["a", "b"])}`,
  sql`INSERT INTO t ${sql.insert([{ a: 1, b: "x" }, { a: 2, b: "y" }])} RETURNING *`,
  sql`UPDATE t SET ${sql.update({ id: 9, a: 1, b: "z" }, ["id"])} WHERE id = ${2}`,
  sql`UPDATE t SET a = data.a FROM ${sql.updateValues([{ id: 1, a: 2 }, { id: 2, a: 3 }], "data")} WHERE t.id = data.id`
]

const compiled = (url: string) =>
  Effect.scoped(Effect.map(SqlClient, (sql) => statements(sql).map((s) => s.compile()))).pipe(Effect.provide(Engine.layer(url)))

describe("SqlClient statement compilers", () => {
  it.effect("PostgreSQL: numbered placeholders, double quotes, a dot between schema and table, UPDATE … FROM (VALUES …)", () =>
    Effect.map(compiled("postgresql://u@localhost/db"), (out) =>
      assert.deepStrictEqual(out, [
        ["SELECT * FROM \"s\".\"t\" WHERE \"id\" = $1 AND name IN ($2,$3)", [1, "a", "b"]],
        ["INSERT INTO t (\"a\",\"b\") VALUES ($1,$2),($3,$4) RETURNING *", [1, "x", 2, "y"]],
        ["UPDATE t SET \"a\" = $1, \"b\" = $2 WHERE id = $3", [1, "z", 2]],
        ["UPDATE t SET a = data.a FROM (values ($1,$2),($3,$4)) AS data(\"id\",\"a\") WHERE t.id = data.id", [1, 2, 2, 3]]
      ])))

  it.effect("MariaDB / MySQL: ? placeholders, backticks", () =>
    Effect.map(compiled("mysql://u@localhost/db"), (out) =>
      assert.deepStrictEqual(out.slice(0, 3), [
        ["SELECT * FROM `s`.`t` WHERE `id` = ? AND name IN (?,?)", [1, "a", "b"]],
        ["INSERT INTO t (`a`,`b`) VALUES (?,?),(?,?) RETURNING *", [1, "x", 2, "y"]],
        ["UPDATE t SET `a` = ?, `b` = ? WHERE id = ?", [1, "z", 2]]
      ])))

  it.effect("SQLite: ? placeholders, double quotes", () =>
    Effect.map(compiled("sqlite://"), (out) =>
      assert.deepStrictEqual(out.slice(0, 3), [
        ["SELECT * FROM \"s\".\"t\" WHERE \"id\" = ? AND name IN (?,?)", [1, "a", "b"]],
        ["INSERT INTO t (\"a\",\"b\") VALUES (?,?),(?,?) RETURNING *", [1, "x", 2, "y"]],
        ["UPDATE t SET \"a\" = ?, \"b\" = ? WHERE id = ?", [1, "z", 2]]
      ])))
})
