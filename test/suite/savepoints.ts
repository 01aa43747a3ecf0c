/**
 * Savepoints own their changes (issue 12, part 1): inside a session, the changes a
 * `Session.transaction` block records are its own. A failed block's inserts, updates and
 * deletes vanish, and so do the instances it loaded or changed; a succeeded block's
 * writes become its parent's; the parent's own pending work survives a sibling's failure,
 * whatever the interleaving of the fibers.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Data, Deferred, Effect, Either, Option } from "effect"
import * as Column from "../../src/Column.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import type { Suite } from "../harness/targets.js"

class Note extends Table.Class<Note>("Note")("sp_notes", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 50, unique: true }),
  body: Column.text({ nullable: true })
}) {}

const metadata = MetaData.make(Note)

class Refused extends Data.TaggedError("Refused")<{ readonly reason: string }> {}

const reset = Effect.zipRight(metadata.createAll, Query.execute(Query.delete(Note)))
const committed = Effect.map(Query.execute(Query.select(Note).orderBy(Note.c.name)), (notes) => notes.map((n) => n.name))
const withSession = <A, E, R>(f: (session: Session.Session) => Effect.Effect<A, E, R>) => Effect.scoped(Effect.flatMap(Session.make, f))
const refuse = (reason: string) => Effect.fail(new Refused({ reason }))

/** Seeds rows named `names` (committed), returning nothing. */
const seed = (...names: ReadonlyArray<string>) =>
  Query.execute(Query.insert(Note).values(names.map((name, i) => ({ id: 1000 + i, name }))))

export const suite: Suite = (layer) => {
  testLayer(layer, { excludeTestServices: true })("Savepoints own their changes", (it) => {
    it.effect("the issue's case: of two concurrent children, the failed one's row is not committed and the other's is", () =>
      Effect.gen(function*() {
        yield* reset
        yield* withSession((s) =>
          s.transaction(
            Effect.all([
              s.transaction(Effect.zipRight(s.add(Note, { name: "A" }), refuse("A"))).pipe(Effect.either),
              s.transaction(s.add(Note, { name: "B" }))
            ], { concurrency: "unbounded" })
          )
        )
        assert.deepStrictEqual(yield* committed, ["B"])
        // The same, with the second child beginning while the first is open (before the fix,
        // its flush took A and wrote it at the outer level once the first had rolled back).
        yield* reset
        yield* withSession((s) =>
          s.transaction(
            Effect.all([
              s.transaction(Effect.zipRight(s.add(Note, { name: "A" }), Effect.zipRight(Effect.sleep("5 millis"), refuse("A")))).pipe(
                Effect.either
              ),
              Effect.zipRight(Effect.sleep("1 millis"), s.transaction(s.add(Note, { name: "B" })))
            ], { concurrency: "unbounded" })
          )
        )
        assert.deepStrictEqual(yield* committed, ["B"])
      }))

    it.effect("a failed child that waits before failing: its row is not committed, the parent's concurrent add is kept", () =>
      Effect.gen(function*() {
        yield* reset
        yield* withSession((s) =>
          s.transaction(
            Effect.all([
              s.transaction(Effect.gen(function*() {
                yield* s.add(Note, { name: "A" })
                yield* Effect.sleep("5 millis")
                return yield* refuse("A")
              })).pipe(Effect.either),
              // Recorded by the outer block's own fiber while the child is open.
              Effect.zipRight(Effect.sleep("1 millis"), s.add(Note, { name: "Outer" })),
              s.transaction(s.add(Note, { name: "B" }))
            ], { concurrency: "unbounded" })
          )
        )
        assert.deepStrictEqual(yield* committed, ["B", "Outer"])
      }))

    it.effect("the outer block's add, recorded before and after its children, survives a failing child", () =>
      Effect.gen(function*() {
        yield* reset
        yield* withSession((s) =>
          s.transaction(Effect.gen(function*() {
            yield* s.add(Note, { name: "Before" })
            const opened = yield* Deferred.make<void>()
            const failed = yield* Effect.all([
              s.transaction(Effect.gen(function*() {
                yield* s.add(Note, { name: "Child" })
                yield* s.flush
                yield* Deferred.succeed(opened, undefined)
                yield* Effect.sleep("5 millis")
                return yield* refuse("child")
              })).pipe(Effect.either),
              Effect.zipRight(Deferred.await(opened), s.add(Note, { name: "During" }))
            ], { concurrency: "unbounded" })
            assert.isTrue(Either.isLeft(failed[0]))
            yield* s.add(Note, { name: "After" })
          }))
        )
        assert.deepStrictEqual(yield* committed, ["After", "Before", "During"])
      }))

    it.effect("a failed child's update and delete are not written by its parent or a sibling", () =>
      Effect.gen(function*() {
        yield* reset
        yield* seed("Kept", "Removed")
        yield* withSession((s) =>
          s.transaction(Effect.gen(function*() {
            const kept = Option.getOrThrow(yield* s.get(Note, 1000))
            const removed = Option.getOrThrow(yield* s.get(Note, 1001))
            yield* Effect.all([
              s.transaction(Effect.gen(function*() {
                yield* s.update(kept, { body: "changed by the failed child" })
                yield* s.delete(removed)
                yield* Effect.sleep("5 millis")
                return yield* refuse("child")
              })).pipe(Effect.either),
              Effect.zipRight(Effect.sleep("1 millis"), s.transaction(s.add(Note, { name: "Sibling" })))
            ], { concurrency: "unbounded" })
            // The parent sees the rows as they were.
            const again = Option.getOrThrow(yield* s.get(Note, 1000))
            assert.strictEqual(again.body, null)
            assert.isTrue(Option.isSome(yield* s.get(Note, 1001)))
          }))
        )
        const rows = yield* Query.execute(Query.select(Note).orderBy(Note.c.name))
        assert.deepStrictEqual(rows.map((n) => [n.name, n.body]), [["Kept", null], ["Removed", null], ["Sibling", null]])
      }))

    it.effect("identity map: a failed child's instances are evicted, the parent's untouched instances stay the same object", () =>
      Effect.gen(function*() {
        yield* reset
        yield* seed("Parent's", "Changed", "Loaded")
        yield* withSession((s) =>
          s.transaction(Effect.gen(function*() {
            const parents = Option.getOrThrow(yield* s.get(Note, 1000))
            const before = Option.getOrThrow(yield* s.get(Note, 1001))
            let changed: Note | undefined
            let loaded: Note | undefined
            yield* s.transaction(Effect.gen(function*() {
              changed = yield* s.update(before, { body: "in the child" })
              assert.strictEqual(Option.getOrThrow(yield* s.get(Note, 1001)), changed)
              loaded = Option.getOrThrow(yield* s.get(Note, 1002))
              yield* s.add(Note, { id: 7, name: "Inserted" })
              yield* s.flush
              assert.isTrue(Option.isSome(yield* s.get(Note, 7)))
              return yield* refuse("child")
            })).pipe(Effect.either)
            // Untouched by the child: still the parent's instance.
            assert.strictEqual(Option.getOrThrow(yield* s.get(Note, 1000)), parents)
            // Changed or loaded by the child: reloaded from the database.
            const reloaded = Option.getOrThrow(yield* s.get(Note, 1001))
            assert.notStrictEqual(reloaded, changed)
            assert.strictEqual(reloaded.body, null)
            assert.notStrictEqual(Option.getOrThrow(yield* s.get(Note, 1002)), loaded)
            // Inserted by the child: gone.
            assert.isTrue(Option.isNone(yield* s.get(Note, 7)))
          }))
        )
        assert.deepStrictEqual(yield* committed, ["Changed", "Loaded", "Parent's"])
      }))

    it.effect("a succeeded child's writes become the parent's: committed with it, gone when it fails", () =>
      Effect.gen(function*() {
        yield* reset
        yield* seed("Seed")
        yield* withSession((s) =>
          s.transaction(Effect.gen(function*() {
            yield* s.add(Note, { name: "Outer" })
            // The middle block fails after its child succeeded: both go.
            yield* s.transaction(Effect.gen(function*() {
              yield* s.add(Note, { name: "Middle" })
              yield* s.transaction(Effect.gen(function*() {
                yield* s.add(Note, { name: "Inner of failed" })
                const row = Option.getOrThrow(yield* s.get(Note, 1000))
                yield* s.update(row, { body: "by the inner block" })
              }))
              return yield* refuse("middle")
            })).pipe(Effect.either)
            assert.strictEqual(Option.getOrThrow(yield* s.get(Note, 1000)).body, null)
            // The middle block succeeds: its child's work commits with the outer block.
            yield* s.transaction(s.transaction(s.add(Note, { name: "Inner of kept" })))
          }))
        )
        assert.deepStrictEqual(yield* committed, ["Inner of kept", "Outer", "Seed"])
        const [row] = yield* Query.execute(Query.select(Note).where(Note.c.id.eq(1000)))
        assert.strictEqual(row!.body, null)
      }))

    it.effect("a child's pending delete hides the row only inside it; the parent sees it again after the child fails", () =>
      Effect.gen(function*() {
        yield* reset
        yield* seed("Row")
        yield* withSession((s) =>
          s.transaction(Effect.gen(function*() {
            const row = Option.getOrThrow(yield* s.get(Note, 1000))
            yield* s.transaction(Effect.gen(function*() {
              yield* s.delete(row)
              assert.isTrue(Option.isNone(yield* s.get(Note, 1000)))
              return yield* refuse("child")
            })).pipe(Effect.either)
            assert.isTrue(Option.isSome(yield* s.get(Note, 1000)))
          }))
        )
        assert.deepStrictEqual(yield* committed, ["Row"])
      }))

    it.effect("a defect or an interruption in a child discards its changes like a failure", () =>
      Effect.gen(function*() {
        yield* reset
        yield* withSession((s) =>
          s.transaction(Effect.gen(function*() {
            yield* s.add(Note, { name: "Outer" })
            yield* s.transaction(Effect.zipRight(s.add(Note, { name: "Died" }), Effect.die("boom"))).pipe(Effect.exit)
            yield* s.transaction(Effect.zipRight(s.add(Note, { name: "Interrupted" }), Effect.never)).pipe(
              Effect.timeout("20 millis"),
              Effect.exit
            )
            yield* s.transaction(s.add(Note, { name: "Kept" }))
          }))
        )
        assert.deepStrictEqual(yield* committed, ["Kept", "Outer"])
      }))

    it.effect("two concurrent outermost blocks of one session run one after the other", () =>
      Effect.gen(function*() {
        yield* reset
        const results = yield* withSession((s) =>
          Effect.all([
            s.transaction(Effect.gen(function*() {
              yield* s.add(Note, { name: "A" })
              yield* s.flush
              yield* Effect.sleep("5 millis")
              return yield* refuse("A")
            })).pipe(Effect.either),
            s.transaction(Effect.gen(function*() {
              yield* s.add(Note, { name: "B" })
              yield* s.flush
            })).pipe(Effect.either)
          ], { concurrency: "unbounded" })
        )
        assert.isTrue(Either.isLeft(results[0]))
        assert.isTrue(Either.isRight(results[1]), Either.isLeft(results[1]) ? String(results[1].left) : "")
        assert.deepStrictEqual(yield* committed, ["B"])
      }))

    it.effect("drop", () => metadata.dropAll)
  })
}
