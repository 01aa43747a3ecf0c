/**
 * Testing.layer: a fresh in-memory SQLite database with the schema created, providing
 * Engine, SqlClient and Session to `it.layer`.
 */
import { SqlClient } from "@effect/sql/SqlClient"
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as Column from "../src/Column.js"
import * as Engine from "../src/Engine.js"
import * as MetaData from "../src/MetaData.js"
import * as Session from "../src/Session.js"
import * as Table from "../src/Table.js"
import * as Testing from "../src/Testing.js"

class Todo extends Table.Class<Todo>("Todo")("todos", {
  id: Column.integer({ primaryKey: true }),
  title: Column.string({ length: 100 }),
  done: Column.boolean({ default: false })
}) {}

layer(Testing.layer(MetaData.make(Todo)))("Testing.layer", (it) => {
  it.effect("provides Engine, SqlClient and Session over a database with the tables created", () =>
    Effect.gen(function*() {
      const engine = yield* Engine.Engine
      assert.strictEqual(engine.dialect.name, "sqlite")
      const sql = yield* SqlClient
      const session = yield* Session.Session
      yield* session.add(Todo, { title: "write tests" })
      yield* session.commit
      const [row] = yield* sql<{ n: number }>`SELECT COUNT(*) AS n FROM todos`
      assert.strictEqual(row!.n, 1)
      const todo = yield* session.query(Todo).one
      assert.strictEqual(todo.done, false)
    }))
})
