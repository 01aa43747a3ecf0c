/**
 * Engine transactions on a real database: typed errors kept, rollback on failure, defect
 * and interruption, savepoints, concurrent siblings, typed COMMIT failures, two engines
 * that never mix, isolation options, and retries.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Data, Deferred, Effect, Either, Exit, Fiber, Schedule } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import * as Fn from "../../src/Fn.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Table from "../../src/Table.js"
import { engineFor, failure } from "../harness/engines.js"
import type { Suite, Target } from "../harness/targets.js"

class Note extends Table.Class<Note>("Note")("tx_notes", {
  id: Column.integer({ primaryKey: true }),
  body: Column.string({ length: 100 })
}) {}

const metadata = MetaData.make(Note)

class NotEnoughMoney extends Data.TaggedError("NotEnoughMoney")<{ readonly missing: number }> {}

const add = (body: string) => Query.execute(Query.insert(Note).values({ body }))
const bodies = Effect.map(Query.execute(Query.select(Note).orderBy(Note.c.id)), (notes) => notes.map((n) => n.body))
const reset = Effect.zipRight(metadata.createAll, Query.execute(Query.delete(Note)))

const quote = (target: Target, name: string) => (target.dialect === "mysql" ? `\`${name}\`` : `"${name}"`)

export const suite: Suite = (layer, target) => {
  testLayer(layer, { excludeTestServices: true })("Transactions", (it) => {
    it.effect("commits on success; statements inside use the transaction's connection", () =>
      Effect.gen(function*() {
        yield* reset
        const seenInside = yield* Engine.transaction(Effect.zipRight(add("a"), bodies))
        assert.deepStrictEqual(seenInside, ["a"])
        assert.deepStrictEqual(yield* bodies, ["a"])
      }))

    it.effect("a typed domain error is kept as is, and everything is rolled back", () =>
      Effect.gen(function*() {
        yield* reset
        const error = yield* Engine.transaction(
          Effect.gen(function*() {
            yield* add("doomed")
            return yield* new NotEnoughMoney({ missing: 5 })
          })
        ).pipe(Effect.flip)
        assert.instanceOf(error, NotEnoughMoney)
        assert.strictEqual((error as NotEnoughMoney).missing, 5)
        assert.deepStrictEqual(yield* bodies, [])
      }))

    it.effect("a defect rolls back and stays a defect", () =>
      Effect.gen(function*() {
        yield* reset
        const exit = yield* Effect.exit(Engine.transaction(Effect.zipRight(add("doomed"), Effect.die("boom"))))
        assert.isTrue(Exit.isFailure(exit) && exit.cause._tag === "Die")
        assert.deepStrictEqual(yield* bodies, [])
      }))

    it.effect("interruption mid-transaction rolls back, and the pool then serves 20 more transactions", () =>
      Effect.gen(function*() {
        yield* reset
        const engine = yield* Engine.Engine
        const written = yield* Deferred.make<void>()
        const fiber = yield* Effect.fork(
          engine.transaction(Effect.gen(function*() {
            yield* add("interrupted")
            yield* Deferred.succeed(written, undefined)
            yield* Effect.never
          }))
        )
        yield* Deferred.await(written)
        yield* Fiber.interrupt(fiber)
        assert.deepStrictEqual(yield* bodies, [])
        const results = yield* Effect.all(
          Array.from({ length: 20 }, (_, i) => engine.transaction(add(`after ${i}`))),
          { concurrency: 5 }
        ).pipe(Effect.timeout("20 seconds"))
        assert.strictEqual(results.length, 20)
        const [count] = yield* Query.execute(Query.select({ n: Fn.count() }).from(Note))
        assert.strictEqual(count!.n, 20)
      }), { timeout: 30_000 })

    it.effect("a nested call is a savepoint: its failure rolls back only its own work", () =>
      Effect.gen(function*() {
        yield* reset
        const inner = yield* Engine.transaction(
          Effect.gen(function*() {
            yield* add("outer before")
            const failed = yield* Engine.transaction(Effect.zipRight(add("inner"), new NotEnoughMoney({ missing: 1 }))).pipe(Effect.either)
            yield* Engine.transaction(add("inner kept"))
            yield* add("outer after")
            return failed
          })
        )
        assert.isTrue(Either.isLeft(inner))
        assert.deepStrictEqual(yield* bodies, ["outer before", "inner kept", "outer after"])
      }))

    it.effect("concurrent sibling savepoints are serialized: one failing never undoes the other", () =>
      Effect.gen(function*() {
        yield* reset
        yield* Engine.transaction(
          Effect.all(
            Array.from({ length: 6 }, (_, i) =>
              Engine.transaction(
                Effect.gen(function*() {
                  yield* add(`sibling ${i}`)
                  yield* Effect.sleep("5 millis")
                  if (i % 2 === 1) return yield* new NotEnoughMoney({ missing: i })
                })
              ).pipe(Effect.either)),
            { concurrency: "unbounded" }
          )
        )
        assert.deepStrictEqual((yield* bodies).sort(), ["sibling 0", "sibling 2", "sibling 4"])
      }))

    it.effect("two engines never mix: a statement on engine B inside a transaction on A runs on B", () =>
      Effect.scoped(Effect.gen(function*() {
        yield* reset
        const a = yield* Engine.Engine
        const b = yield* engineFor(target.sharedUrl)
        yield* Effect.provideService(metadata.createAll, Engine.Engine, b)
        yield* Effect.provideService(Query.execute(Query.delete(Note)), Engine.Engine, b)
        const onB = (effect: Effect.Effect<any, any, Engine.Engine>) => Effect.provideService(effect, Engine.Engine, b)
        // A's transaction rolls back; B's write, made inside it, must have run (and committed) on B.
        // (On SQLite B is another database, a file; elsewhere the same database on another connection.)
        yield* a.transaction(Effect.zipRight(add("on A"), Effect.zipRight(onB(add("on B")), Effect.fail("undo A")))).pipe(Effect.ignore)
        assert.deepStrictEqual(yield* bodies, target.dialect === "sqlite" ? [] : ["on B"])
        assert.deepStrictEqual(yield* onB(bodies), ["on B"])
        yield* onB(metadata.dropAll)
      })), { timeout: 30_000 })

    if (target.dialect !== "mysql") {
      it.effect("a failed COMMIT is a typed error, and the connection is left clean", () =>
        Effect.gen(function*() {
          const q = (n: string) => quote(target, n)
          yield* Engine.execute(`DROP TABLE IF EXISTS ${q("tx_child")}`)
          yield* Engine.execute(`DROP TABLE IF EXISTS ${q("tx_parent")}`)
          yield* Engine.execute(`CREATE TABLE ${q("tx_parent")} (id INTEGER PRIMARY KEY)`)
          yield* Engine.execute(
            `CREATE TABLE ${q("tx_child")} (id INTEGER PRIMARY KEY, parent_id INTEGER, ` +
              `CONSTRAINT tx_child_parent_fk FOREIGN KEY (parent_id) REFERENCES ${q("tx_parent")} (id) DEFERRABLE INITIALLY DEFERRED)`
          )
          // The orphan is accepted by the statement and refused at COMMIT.
          const error = failure(
            yield* Effect.exit(Engine.transaction(Engine.execute(`INSERT INTO ${q("tx_child")} (id, parent_id) VALUES (1, 99)`)))
          )
          assert.strictEqual(error._tag, "ForeignKeyViolation")
          const rows = yield* Engine.execute(`SELECT COUNT(*) AS n FROM ${q("tx_child")}`)
          assert.strictEqual(Number(rows[0]!["n"]), 0)
          // No transaction was left open: a new one begins and commits normally.
          yield* Engine.transaction(Engine.execute(`INSERT INTO ${q("tx_parent")} (id) VALUES (1)`))
          yield* Engine.transaction(Engine.execute(`INSERT INTO ${q("tx_child")} (id, parent_id) VALUES (1, 1)`))
          const after = yield* Engine.execute(`SELECT COUNT(*) AS n FROM ${q("tx_child")}`)
          assert.strictEqual(Number(after[0]!["n"]), 1)
          yield* Engine.execute(`DROP TABLE ${q("tx_child")}`)
          yield* Engine.execute(`DROP TABLE ${q("tx_parent")}`)
        }))
    }

    if (target.dialect === "postgresql") {
      it.effect("isolation level and read-only are applied", () =>
        Effect.gen(function*() {
          yield* reset
          const [row] = yield* Engine.transaction(Engine.execute("SHOW transaction_isolation"), { isolation: "serializable" })
          assert.strictEqual(row!["transaction_isolation"], "serializable")
          const readOnly = failure(yield* Effect.exit(Engine.transaction(add("x"), { readOnly: true })))
          assert.strictEqual(readOnly._tag, "ReadOnlyViolation")
          assert.include(readOnly.message, "read-only")
        }))
    }

    if (target.capabilities.concurrentWriters) {
      it.effect("retry: a serialization failure retries the whole transaction with the schedule", () =>
        Effect.gen(function*() {
          yield* reset
          yield* add("counter")
          const engine = yield* Engine.Engine
          let attempts = 0
          const bump = (gate: Deferred.Deferred<void>, other: Deferred.Deferred<void>) =>
            engine.transaction(
              Effect.gen(function*() {
                attempts++
                const [note] = yield* Query.execute(Query.select(Note))
                // Both read before either writes, the first time round.
                yield* Deferred.succeed(gate, undefined)
                yield* Deferred.await(other).pipe(Effect.timeout("2 seconds"), Effect.ignore)
                yield* Query.execute(Query.update(Note).set({ body: `${note!.body}+` }).where(Note.c.id.eq(note!.id)))
              }),
              { isolation: "serializable", retry: Schedule.recurs(10) }
            )
          const [g1, g2] = [yield* Deferred.make<void>(), yield* Deferred.make<void>()]
          yield* Effect.all([bump(g1, g2), bump(g2, g1)], { concurrency: 2 })
          assert.deepStrictEqual(yield* bodies, ["counter++"])
          assert.isAbove(attempts, 2)
        }), { timeout: 30_000 })
    }

    it.effect("drop", () => metadata.dropAll)
  })
}
