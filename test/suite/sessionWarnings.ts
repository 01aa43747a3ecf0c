/**
 * A session whose scope closes on success with changes it never committed logs one
 * warning: pending changes are named (model and primary key, or "new Model"), rows flushed
 * into a transaction never committed are reported too; through `Session.use`,
 * `Session.make` and `Session.layer`. A session that committed, rolled back, only read, or
 * failed logs none.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Data, Effect, Exit } from "effect"
import * as Column from "../../src/Column.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import { captureLogs } from "../harness/capture.js"
import type { Suite } from "../harness/targets.js"

class Note extends Table.Class<Note>("Note")("sw_notes", {
  id: Column.integer({ primaryKey: true }),
  body: Column.string({ length: 50 })
}) {}

class Tag extends Table.Class<Tag>("Tag")("sw_tags", {
  noteId: Column.integer({ name: "note_id" }),
  label: Column.string({ length: 20 })
}, { primaryKey: ["noteId", "label"] }) {}

const metadata = MetaData.make(Note, Tag)
const fresh = Effect.zipRight(metadata.dropAll, metadata.createAll)
const seed = Query.execute(Query.insert(Note).values([{ id: 1, body: "one" }, { id: 2, body: "two" }]))

class Refused extends Data.TaggedError("Refused") {}

/** The warnings logged while `self` runs (it must succeed unless `fails`). */
const warnings = <A, E, R>(self: Effect.Effect<A, E, R>, fails = false) =>
  Effect.map(captureLogs(self), ({ entries, exit }) => {
    assert.strictEqual(Exit.isFailure(exit), fails, String(exit))
    return entries.filter((e) => e.level === "WARN").map((e) => e.message)
  })

export const suite: Suite = (layer) => {
  testLayer(layer, { excludeTestServices: true })("Session warnings", (it) => {
    it.effect("Session.use: rows added and never committed are named in one warning", () =>
      Effect.gen(function*() {
        yield* fresh
        const logged = yield* warnings(Session.use((session) =>
          Effect.gen(function*() {
            yield* session.add(Note, { body: "forgot" })
            yield* session.add(Note, { id: 5, body: "explicit key" })
            yield* session.add(Tag, { noteId: 5, label: "x" })
            session.commit // no yield*: never runs
          })))
        assert.deepStrictEqual(logged, [
          "retort: a session was closed with 3 changes never flushed (new Note, new Note 5, " +
          "new Tag (noteId: 5, label: \"x\")), now rolled back. Was a `yield* session.commit` (or a `yield*` before it) forgotten?"
        ])
        assert.strictEqual((yield* Query.execute(Query.select(Note))).length, 0)
      }))

    it.effect("Session.make: pending updates and deletes are named by key, with the changed fields", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* seed
        const logged = yield* warnings(Effect.scoped(Effect.gen(function*() {
          const session = yield* Session.make
          const one = yield* session.query(Note).filterBy({ id: 1 }).one
          const two = yield* session.query(Note).filterBy({ id: 2 }).one
          yield* session.update(one, { body: "changed" })
          yield* session.delete(two)
        })))
        assert.strictEqual(logged.length, 1)
        assert.include(logged[0]!, "with 2 changes never flushed (update Note 1 (body), delete Note 2), now rolled back.")
        const bodies = (yield* Query.execute(Query.select(Note).orderBy(Note.c.id))).map((n) => n.body)
        assert.deepStrictEqual(bodies, ["one", "two"])
      }))

    it.effect("Session.layer: a program that forgets its commit is warned; more than ten rows are counted", () =>
      Effect.gen(function*() {
        yield* fresh
        const program = Effect.gen(function*() {
          const session = yield* Session.Session
          yield* session.addAll(Note, Array.from({ length: 12 }, (_, i) => ({ id: 10 + i, body: `n${i}` })))
        })
        const logged = yield* warnings(Effect.provide(program, Session.layer))
        assert.strictEqual(logged.length, 1)
        assert.include(logged[0]!, "12 changes never flushed")
        assert.include(logged[0]!, "new Note 18, new Note 19 and 2 more), now rolled back.")
      }))

    it.effect("rows flushed by a query (autoflush) but never committed are reported, with what is still pending", () =>
      Effect.gen(function*() {
        yield* fresh
        const logged = yield* warnings(Session.use((session) =>
          Effect.gen(function*() {
            yield* session.add(Note, { id: 1, body: "flushed by the query" })
            session.commit // no yield*: the query below flushes, nothing commits
            yield* session.query(Note).all
            yield* session.add(Note, { id: 2, body: "still pending" })
          })))
        assert.deepStrictEqual(logged, [
          "retort: a session was closed with changes flushed but never committed and 1 change never flushed (new Note 2), " +
          "now rolled back. Was a `yield* session.commit` (or a `yield*` before it) forgotten?"
        ])
        assert.strictEqual((yield* Query.execute(Query.select(Note))).length, 0)
      }))

    it.effect("committed, rolled-back (after a flush too), read-only and failed sessions log nothing", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* seed
        const committed = yield* warnings(Session.use((session) =>
          Effect.zipRight(session.add(Note, { id: 3, body: "kept" }), session.commit)))
        const flushed = yield* warnings(Session.use((session) =>
          Effect.all([session.add(Note, { id: 4, body: "flushed, then rolled back" }), session.flush, session.rollback])))
        const transaction = yield* warnings(Effect.provide(
          Session.transaction(Effect.flatMap(Session.Session, (session) => session.add(Note, { id: 6, body: "in a block" }))),
          Session.layer
        ))
        const readOnly = yield* warnings(Session.use((session) => session.query(Note).all))
        const rolledBack = yield* warnings(Session.use((session) =>
          Effect.zipRight(session.add(Note, { id: 7, body: "rolled back" }), session.rollback)))
        const failed = yield* warnings(
          Session.use((session) => Effect.zipRight(session.add(Note, { id: 8, body: "failed" }), new Refused())),
          true
        )
        assert.deepStrictEqual([committed, flushed, transaction, readOnly, rolledBack, failed], [[], [], [], [], [], []])
        const ids = (yield* Query.execute(Query.select(Note).orderBy(Note.c.id))).map((n) => n.id)
        assert.deepStrictEqual(ids, [1, 2, 3, 6])
      }))
  })
}
