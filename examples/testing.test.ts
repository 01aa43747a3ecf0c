/**
 * Testing with retort: `Testing.layer(metadata)` gives each test file a fresh in-memory
 * SQLite database with the tables created, and Engine, SqlClient and Session in context.
 *
 *   npm run example:testing
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Option } from "effect"
import { Column, MetaData, Session, Table, Testing } from "retort-orm"

class Todo extends Table.Class<Todo>("Todo")("todos", {
  id: Column.integer({ primaryKey: true }),
  title: Column.string({ length: 100 }),
  done: Column.boolean({ default: false })
}) {}

layer(Testing.layer(MetaData.make(Todo)))("todos", (it) => {
  it.effect("adds a todo and finds it", () =>
    Effect.gen(function*() {
      const session = yield* Session.Session
      const todo = yield* session.insert(Todo, { title: "write the example" })
      assert.strictEqual(todo.done, false)
      const found = yield* session.get(Todo, todo.id)
      assert.strictEqual(Option.getOrThrow(found), todo)
      yield* session.commit
    }))

  it.effect("completes it: one UPDATE of the changed column", () =>
    Effect.gen(function*() {
      const session = yield* Session.Session
      const todo = yield* session.query(Todo).filterBy({ title: "write the example" }).one
      yield* session.update(todo, { done: true })
      yield* session.commit
      assert.strictEqual(yield* session.query(Todo).filterBy({ done: true }).count, 1)
    }))
})
