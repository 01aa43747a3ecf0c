/**
 * Selects (issue 14) on real databases: a union of model selects ordered by a model
 * column, INTERSECT / EXCEPT and mixed chains evaluated left to right, row locks across
 * two connections (NOWAIT fails with LockTimeout, SKIP LOCKED skips), one-value results,
 * and the FROM check failing before anything reaches the server.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Deferred, Effect } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import * as Fn from "../../src/Fn.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import { engineFor, failure } from "../harness/engines.js"
import type { Suite } from "../harness/targets.js"

class Job extends Table.Class<Job>("Job")("sel_jobs", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 20 })
}) {}
class A extends Table.Class<A>("A")("sel_a", { id: Column.integer({ primaryKey: true }), name: Column.string({ length: 20 }) }) {}
class B extends Table.Class<B>("B")("sel_b", { id: Column.integer({ primaryKey: true }), name: Column.string({ length: 20 }) }) {}
class C extends Table.Class<C>("C")("sel_c", { id: Column.integer({ primaryKey: true }), name: Column.string({ length: 20 }) }) {}
class D extends Table.Class<D>("D")("sel_d", { id: Column.integer({ primaryKey: true }), name: Column.string({ length: 20 }) }) {}

const metadata = MetaData.make(Job, A, B, C, D)

const rows = (names: ReadonlyArray<string>) => names.map((name, i) => ({ id: i + 1, name }))

const setup = Effect.gen(function*() {
  yield* metadata.dropAll
  yield* metadata.createAll
  yield* Query.execute(Query.insert(Job).values(rows(["a", "b", "c", "d", "e"])))
  yield* Query.execute(Query.insert(A).values(rows(["x", "y", "z"])))
  yield* Query.execute(Query.insert(B).values(rows(["y", "z", "w"])))
  yield* Query.execute(Query.insert(C).values(rows(["z", "w", "q"])))
  yield* Query.execute(Query.insert(D).values(rows(["y", "y", "z"])))
})

const names = <R extends { readonly name: string }>(found: ReadonlyArray<R>) => found.map((r) => r.name)

export const suite: Suite = (layer, target) => {
  const server = target.dialect !== "sqlite"
  testLayer(layer, { excludeTestServices: true })("Selects", (it) => {
    it.effect("a union of model selects ordered by Model.c.id runs; ORDER BY of a non-output column fails typed, before the server", () =>
      Effect.gen(function*() {
        yield* setup
        const q = Query.select(Job).where(Job.c.id.lt(3)).union(Query.select(Job).where(Job.c.id.gt(3))).orderBy(Job.c.id.desc())
        const found = yield* Query.execute(q)
        assert.deepStrictEqual(found.map((j) => j.id), [5, 4, 2, 1])
        assert.instanceOf(found[0], Job)
        const limited = yield* Query.execute(q.limit(2))
        assert.deepStrictEqual(limited.map((j) => j.name), ["e", "d"])
        const bad = yield* Effect.flip(Query.execute(Query.select({ name: A.c.name }).union(Query.select({ name: B.c.name })).orderBy(B.c.name)))
        assert.strictEqual(bad._tag, "EncodeError")
        assert.match(bad.message, /B\.name is not one of its first select's/)
        yield* metadata.dropAll
      }))

    it.effect("intersect and except; a mixed chain gives the left-to-right answer on every database", () =>
      Effect.gen(function*() {
        yield* setup
        const a = Query.select({ name: A.c.name })
        const b = Query.select({ name: B.c.name })
        const c = Query.select({ name: C.c.name })
        assert.deepStrictEqual(names(yield* Query.execute(a.intersect(b).orderBy(A.c.name))), ["y", "z"])
        assert.deepStrictEqual(names(yield* Query.execute(a.except(b).orderBy(A.c.name))), ["x"])
        // (A ∪ B) ∩ C, not A ∪ (B ∩ C) = {w, x, y, z}
        assert.deepStrictEqual(names(yield* Query.execute(a.union(b).intersect(c).orderBy(A.c.name))), ["w", "z"])
        // (A − B) ∩ C = ∅, not A − (B ∩ C) = {x, y}
        assert.deepStrictEqual(names(yield* Query.execute(a.except(b).intersect(c).orderBy(A.c.name))), [])
        // (A ∩ B) ∪ C
        assert.deepStrictEqual(names(yield* Query.execute(a.intersect(b).union(c).orderBy(A.c.name.desc()))), ["z", "y", "w", "q"])
        const d = Query.select({ name: D.c.name })
        if (server) {
          assert.deepStrictEqual(names(yield* Query.execute(d.intersectAll(b).orderBy(D.c.name))), ["y", "z"])
          assert.deepStrictEqual(names(yield* Query.execute(d.exceptAll(b).orderBy(D.c.name))), ["y"])
          assert.deepStrictEqual(names(yield* Query.execute(d.exceptAll(a).orderBy(D.c.name))), ["y"])
        } else {
          const refused = yield* Effect.flip(Query.execute(d.intersectAll(b)))
          assert.strictEqual(refused._tag, "EncodeError")
          assert.match(refused.message, /SQLite has no INTERSECT ALL/)
          assert.strictEqual((yield* Effect.flip(Query.execute(d.exceptAll(b))))._tag, "EncodeError")
        }
        yield* metadata.dropAll
      }))

    it.effect("Query.scalar, Query.exists, select.exists(), and the session's scalar / exists (after a flush)", () =>
      Effect.gen(function*() {
        yield* setup
        assert.strictEqual(yield* Query.scalar(Query.select({ n: Fn.count() }).from(Job)), 5)
        assert.strictEqual(yield* Query.scalar(Query.select({ name: Job.c.name }).from(Job).orderBy(Job.c.id.desc())), "e")
        assert.strictEqual(yield* Query.scalar(Query.select({ name: Job.c.name }).from(Job).where(Job.c.id.gt(99))), null)
        assert.strictEqual(yield* Query.scalar(Query.select({ name: A.c.name }).union(Query.select({ name: B.c.name })).orderBy(A.c.name)), "w")
        assert.isTrue(yield* Query.exists(Query.select(Job).where(Job.c.name.eq("c"))))
        assert.isFalse(yield* Query.exists(Query.select(Job).where(Job.c.name.eq("nope"))))
        assert.isTrue(yield* Query.exists(Query.select({ name: A.c.name }).intersect(Query.select({ name: B.c.name }))))
        // Correlated EXISTS as a value: names of A that B has too.
        const both = Query.select({ name: A.c.name }).from(A)
          .where(Query.select({ id: B.c.id }).from(B).where(B.c.name.eq(A.c.name)).exists())
          .orderBy(A.c.name)
        assert.deepStrictEqual(names(yield* Query.execute(both)), ["y", "z"])
        const wide = yield* Effect.flip(Query.scalar(Query.select({ a: Job.c.id, b: Job.c.name }) as any))
        assert.strictEqual(wide._tag, "EncodeError")
        yield* Session.use((session) =>
          Effect.gen(function*() {
            yield* session.add(Job, { id: 6, name: "f" })
            assert.strictEqual(yield* session.scalar(Query.select({ n: Fn.count() }).from(Job)), 6)
            assert.isTrue(yield* session.exists(Query.select(Job).where(Job.c.name.eq("f"))))
            yield* session.rollback
          })
        )
        yield* metadata.dropAll
      }))

    it.effect("a column of a table absent from FROM and JOIN fails with EncodeError naming it; nothing is sent", () =>
      Effect.gen(function*() {
        yield* setup
        const error = yield* Effect.flip(Query.execute(Query.select({ n: Fn.count(B.c.id) }).from(A).join(C, C.c.id.eq(A.c.id))))
        assert.strictEqual(error._tag, "EncodeError")
        assert.match(error.message, /B is selected from but is not in FROM or JOIN/)
        const correlated = Query.select({ name: A.c.name, n: Query.select({ n: Fn.count() }).from(B).where(B.c.name.eq(A.c.name)).scalar() })
          .from(A).orderBy(A.c.id)
        assert.deepStrictEqual((yield* Query.execute(correlated)).map((r) => r.n), [0, 1, 1])
        yield* metadata.dropAll
      }))

    if (!server) {
      it.effect("SQLite refuses row locks with a typed error (its transactions begin DEFERRED)", () =>
        Effect.gen(function*() {
          yield* setup
          const error = yield* Effect.flip(Engine.transaction(Query.execute(Query.select(Job).forUpdate())))
          assert.strictEqual(error._tag, "EncodeError")
          assert.match(error.message, /SQLite has no row locks/)
          yield* metadata.dropAll
        }))
      return
    }

    it.effect("a row locked FOR UPDATE: another transaction's nowait fails with LockTimeout, skipLocked skips it; the session's forUpdate too", () =>
      Effect.scoped(Effect.gen(function*() {
        yield* setup
        const engine = yield* engineFor(target.url, { pool: { size: 2 } })
        const locked = yield* Deferred.make<void>()
        const done = yield* Deferred.make<void>()
        const holder = engine.transaction(Effect.gen(function*() {
          const mine = yield* Query.execute(Query.select(Job).where(Job.c.id.eq(1)).forUpdate())
          assert.deepStrictEqual(mine.map((j) => j.id), [1])
          yield* Deferred.succeed(locked, undefined)
          yield* Deferred.await(done)
        }))
        const other = Effect.gen(function*() {
          yield* Deferred.await(locked)
          const nowait = yield* Effect.exit(engine.transaction(Query.execute(Query.select(Job).where(Job.c.id.eq(1)).forUpdate({ nowait: true }))))
          const skipped = yield* engine.transaction(Query.execute(Query.select(Job).orderBy(Job.c.id).forUpdate({ skipLocked: true })))
          const shareNowait = yield* Effect.exit(engine.transaction(Query.execute(Query.select(Job).where(Job.c.id.eq(1)).forShare({ nowait: true }))))
          const viaSession = yield* Effect.exit(Session.use((session) => session.query(Job).where(Job.c.id.eq(1)).forUpdate({ nowait: true }).all))
          const sessionSkipped = yield* Session.use((session) => session.query(Job).orderBy(Job.c.id).forUpdate({ skipLocked: true }).all)
          yield* Deferred.succeed(done, undefined)
          return { nowait, skipped, shareNowait, viaSession, sessionSkipped }
        }).pipe(Effect.ensuring(Deferred.succeed(done, undefined)))
        const [, result] = yield* Effect.all([holder, other], { concurrency: 2 }).pipe(Effect.provideService(Engine.Engine, engine))
        assert.strictEqual(failure(result.nowait)._tag, "LockTimeout")
        assert.strictEqual(failure(result.shareNowait)._tag, "LockTimeout")
        assert.strictEqual(failure(result.viaSession)._tag, "LockTimeout")
        assert.deepStrictEqual(result.skipped.map((j) => j.id), [2, 3, 4, 5])
        assert.deepStrictEqual(result.sessionSkipped.map((j) => j.id), [2, 3, 4, 5])
        // Once the holder committed, the row is free.
        const free = yield* Query.execute(Query.select(Job).where(Job.c.id.eq(1)).forUpdate({ nowait: true })).pipe(
          engine.transaction,
          Effect.provideService(Engine.Engine, engine)
        )
        assert.deepStrictEqual(free.map((j) => j.id), [1])
        yield* metadata.dropAll
      })), { timeout: 20_000 })
  })
}
