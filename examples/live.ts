/**
 * Live queries: `Query.watch` emits a select's result now and again after every commit
 * that writes a table it reads; uncommitted and rolled-back writes show nothing. Embedded
 * SQLite, no server.
 *
 *   npm run example:live
 */
import { Console, Data, Effect, Fiber, Stream } from "effect"
import { Column, Engine, MetaData, Query, Table } from "retort-orm"

class Task extends Table.Class<Task>("Task")("tasks", {
  id: Column.integer({ primaryKey: true }),
  title: Column.string({ length: 50 }),
  done: Column.boolean({ default: false })
}) {}
const metadata = MetaData.make(Task)
class Cancelled extends Data.TaggedError("Cancelled") {}

const openTasks = Query.select({ title: Task.c.title }).from(Task).where(Task.c.done.eq(false)).orderBy(Task.c.id)
const pause = Effect.sleep("50 millis")

const program = Effect.gen(function*() {
  yield* metadata.createAll
  // Four emissions: the start, two commits, and the update (the rolled-back insert shows nothing).
  const watcher = yield* Effect.fork(
    Stream.runForEach(Stream.take(Query.watch(openTasks), 4), (rows) => Console.log(`open tasks: ${JSON.stringify(rows.map((r) => r.title))}`))
  )
  yield* pause
  yield* Query.execute(Query.insert(Task).values({ id: 1, title: "write the docs" }))
  yield* pause
  yield* Engine.transaction(Query.execute(Query.insert(Task).values([{ id: 2, title: "ship" }, { id: 3, title: "rest" }])))
  yield* pause
  const rolledBack = yield* Engine.transaction(
    Effect.zipRight(Query.execute(Query.insert(Task).values({ id: 4, title: "never seen" })), new Cancelled())
  ).pipe(Effect.flip)
  yield* Console.log(`a transaction failed with ${rolledBack._tag} and rolled back: no emission`)
  yield* pause
  yield* Query.execute(Query.update(Task).set({ done: true }).where(Task.c.id.eq(1)))
  yield* Fiber.join(watcher)
})

Effect.runPromise(program.pipe(Effect.provide(Engine.layer("sqlite://")))).catch((error) => {
  console.error(String(error))
  process.exitCode = 1
})
