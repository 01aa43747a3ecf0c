/**
 * Live queries on a real database: `Query.watch` and `session.watch` emit the result at
 * once and again after each commit that wrote a table the query reads; uncommitted and
 * rolled-back writes emit nothing, nor do writes to other tables; ending the stream
 * releases its registration and its connection.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Data, Effect, Fiber, Option, Queue, Stream } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import type { Suite } from "../harness/targets.js"

class Task extends Table.Class<Task>("Task")("lq_tasks", {
  id: Column.integer({ primaryKey: true }),
  title: Column.string({ length: 50 }),
  done: Column.boolean({ default: false })
}) {}

class Note extends Table.Class<Note>("Note")("lq_notes", {
  id: Column.integer({ primaryKey: true }),
  body: Column.string({ length: 50 })
}) {}

const metadata = MetaData.make(Task, Note)
const fresh = Effect.zipRight(metadata.dropAll, metadata.createAll)
const openTitles = Query.select({ title: Task.c.title }).from(Task).where(Task.c.done.eq(false)).orderBy(Task.c.id)

class Refused extends Data.TaggedError("Refused") {}

/** Runs the stream in a fiber of its own, its emissions going to a queue the test reads. */
const watching = <A, E, R>(stream: Stream.Stream<A, E, R>) =>
  Effect.gen(function*() {
    const emitted = yield* Queue.unbounded<A>()
    const fiber = yield* Effect.fork(Stream.runForEach(stream, (a) => Queue.offer(emitted, a)))
    /** The next emission (failing the test if none comes within 5 s). */
    const next = Queue.take(emitted).pipe(Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => new Error("no emission") }))
    /** No emission within a while. */
    const quiet = Effect.zipRight(Effect.sleep("250 millis"), Queue.poll(emitted))
    return { next, quiet, fiber }
  })

const titles = (rows: ReadonlyArray<{ readonly title: string }>) => rows.map((r) => r.title)

export const suite: Suite = (layer) => {
  testLayer(layer, { excludeTestServices: true })("Live queries", (it) => {
    it.effect("emits the result now, and after each commit that writes a table the query reads", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* Query.execute(Query.insert(Task).values({ id: 1, title: "write tests" }))
        const live = yield* watching(Query.watch(openTitles))
        assert.deepStrictEqual(titles(yield* live.next), ["write tests"])
        yield* Engine.transaction(Query.execute(Query.insert(Task).values([{ id: 2, title: "ship" }, { id: 3, title: "rest" }])))
        assert.deepStrictEqual(titles(yield* live.next), ["write tests", "ship", "rest"])
        // Outside a transaction, the write is announced once it is done.
        yield* Query.execute(Query.update(Task).set({ done: true }).where(Task.c.id.eq(1)))
        assert.deepStrictEqual(titles(yield* live.next), ["ship", "rest"])
        yield* Fiber.interrupt(live.fiber)
      }))

    it.effect("uncommitted and rolled-back writes emit nothing; writes to other tables emit nothing", () =>
      Effect.gen(function*() {
        yield* fresh
        const live = yield* watching(Query.watch(openTitles))
        assert.deepStrictEqual(titles(yield* live.next), [])
        const failed = yield* Engine.transaction(
          Effect.gen(function*() {
            yield* Query.execute(Query.insert(Task).values({ id: 1, title: "never" }))
            // Still inside the transaction: nothing is shown.
            assert.isTrue(Option.isNone(yield* live.quiet))
            return yield* new Refused()
          })
        ).pipe(Effect.flip)
        assert.strictEqual(failed._tag, "Refused")
        assert.isTrue(Option.isNone(yield* live.quiet), "a rollback emits nothing")
        yield* Query.execute(Query.insert(Note).values({ id: 1, body: "elsewhere" }))
        yield* Engine.transaction(Query.execute(Query.insert(Note).values({ id: 2, body: "elsewhere too" })))
        assert.isTrue(Option.isNone(yield* live.quiet), "another table's writes emit nothing")
        yield* Query.execute(Query.insert(Task).values({ id: 5, title: "seen" }))
        assert.deepStrictEqual(titles(yield* live.next), ["seen"])
        yield* Fiber.interrupt(live.fiber)
      }))

    it.effect("session.watch shows committed data only: a flush emits nothing, the commit does", () =>
      Effect.gen(function*() {
        yield* fresh
        const session = yield* Session.Session
        const live = yield* watching(session.watch(openTitles))
        assert.deepStrictEqual(titles(yield* live.next), [])
        yield* session.add(Task, { id: 1, title: "pending" })
        yield* session.flush
        assert.isTrue(Option.isNone(yield* live.quiet))
        yield* session.commit
        assert.deepStrictEqual(titles(yield* live.next), ["pending"])
        yield* Fiber.interrupt(live.fiber)
      }).pipe(Effect.provide(Session.layer)))

    it.effect("Stream.take ends the watch and gives its connection back; later writes are unaffected", () =>
      Effect.gen(function*() {
        yield* fresh
        const first = yield* Stream.runCollect(Stream.take(Query.watch(openTitles), 1))
        assert.strictEqual(first.length, 1)
        const engine = yield* Engine.Engine
        const status = yield* engine.poolStatus
        assert.strictEqual(status.inUse, 0)
        yield* Query.execute(Query.insert(Task).values({ id: 1, title: "after" }))
        const again = yield* Stream.runCollect(Stream.take(Query.watch(openTitles), 1))
        assert.deepStrictEqual([...again].map(titles), [["after"]])
      }))
  })
}
