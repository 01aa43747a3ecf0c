/**
 * The session on a real database: identity, autoflush, flush order, changed-column
 * updates, deletes, query terminals, rollback, constraint errors during flush,
 * transactions (typed errors, savepoints, interruption), optimistic locking, the test
 * layers, and a concurrent money-transfer stress test.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Data, Deferred, Effect, Either, Exit, Fiber, Option, Schedule, Stream } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import * as Fn from "../../src/Fn.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import * as Testing from "../../src/Testing.js"
import { captureLogs } from "../harness/capture.js"
import { engineFor } from "../harness/engines.js"
import { countingProxy } from "../harness/proxy.js"
import type { Suite } from "../harness/targets.js"

class Author extends Table.Class<Author>("Author")("s_authors", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 50, unique: true }),
  bio: Column.text({ nullable: true })
}) {}

class Book extends Table.Class<Book>("Book")("s_books", {
  id: Column.integer({ primaryKey: true }),
  authorId: Column.integer({ name: "author_id", references: () => Author.c.id }),
  title: Column.string({ length: 100 })
}) {}

class Review extends Table.Class<Review>("Review")("s_reviews", {
  id: Column.integer({ primaryKey: true }),
  bookId: Column.integer({ name: "book_id", references: () => Book.c.id }),
  stars: Column.integer()
}) {}

class Account extends Table.Class<Account>("Account")("s_accounts", {
  id: Column.integer({ primaryKey: true }),
  balance: Column.integer(),
  version: Column.integer({ default: 1 })
}, { versionColumn: "version" }) {}

const metadata = MetaData.make(Author, Book, Review, Account)

class Refused extends Data.TaggedError("Refused")<{ readonly reason: string }> {}

const fresh = Effect.zipRight(metadata.dropAll, metadata.createAll)
/** Runs `f` with a session of its own, released (rolled back if uncommitted) at the end. */
const withSession = <A, E, R>(f: (session: Session.Session) => Effect.Effect<A, E, R>) => Effect.scoped(Effect.flatMap(Session.make, f))

export const suite: Suite = (layer, target) => {
  testLayer(layer, { excludeTestServices: true })("Session", (it) => {
    it.effect("identity: one primary key is one instance", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* withSession((s) =>
          Effect.gen(function*() {
            const ann = yield* s.insert(Author, { name: "Ann" })
            const a = yield* s.get(Author, ann.id)
            const b = yield* s.get(Author, ann.id)
            assert.isTrue(Option.isSome(a) && Option.isSome(b))
            assert.strictEqual(Option.getOrThrow(a), Option.getOrThrow(b))
            assert.strictEqual(Option.getOrThrow(a), ann)
            const [queried] = yield* s.query(Author).filterBy({ name: "Ann" }).all
            assert.strictEqual(queried, ann)
            assert.isTrue(Option.isNone(yield* s.get(Author, 999)))
            yield* s.commit
          })
        )
      }))

    it.effect("add is pending; queries autoflush first, and nothing is visible elsewhere before commit", () =>
      Effect.scoped(Effect.gen(function*() {
        yield* fresh
        const other = yield* engineFor(target.sharedUrl)
        const elsewhere = Effect.provideService(Query.execute(Query.select(Author)), Engine.Engine, other).pipe(
          Effect.map((rows) => rows.length),
          Effect.catchAll(() => Effect.succeed(0))
        )
        yield* withSession((s) =>
          Effect.gen(function*() {
            yield* s.add(Author, { name: "Pending" })
            const seen = yield* s.query(Author).all
            assert.deepStrictEqual(seen.map((a) => a.name), ["Pending"])
            if (target.dialect !== "sqlite") assert.strictEqual(yield* elsewhere, 0)
            yield* s.commit
          })
        )
        if (target.dialect !== "sqlite") assert.strictEqual(yield* elsewhere, 1)
      })))

    // These two tests read the echo of an engine of their own (SQLite: a file both can open).
    const echoUrl = target.dialect === "sqlite" ? target.sharedUrl : target.url

    it.effect("flush writes parents first, whatever order the rows were added in", () =>
      Effect.gen(function*() {
        yield* fresh
        const { entries, exit } = yield* captureLogs(
          Effect.scoped(Effect.gen(function*() {
            const engine = yield* engineFor(echoUrl, { echo: true })
            yield* Effect.provideService(fresh, Engine.Engine, engine)
            yield* Effect.provideService(
              withSession((s) =>
                Effect.gen(function*() {
                  yield* s.add(Review, { id: 1, bookId: 10, stars: 5 })
                  yield* s.add(Review, { id: 2, bookId: 11, stars: 3 })
                  yield* s.add(Book, { id: 10, authorId: 100, title: "First" })
                  yield* s.add(Book, { id: 11, authorId: 100, title: "Second" })
                  yield* s.add(Author, { id: 100, name: "Root" })
                  yield* s.commit
                })
              ),
              Engine.Engine,
              engine
            )
          }))
        )
        assert.isTrue(Exit.isSuccess(exit), Exit.isFailure(exit) ? String(exit.cause) : "")
        const inserts = entries.map((e) => e.message).filter((m) => m.startsWith("INSERT"))
        assert.strictEqual(inserts.length, 3, "one multi-row INSERT per table")
        assert.match(inserts[0]!, /s_authors/)
        assert.match(inserts[1]!, /s_books/)
        assert.match(inserts[2]!, /s_reviews/)
        const counted = Effect.scoped(Effect.flatMap(engineFor(echoUrl), (engine) =>
          Effect.provideService(Query.execute(Query.select({ n: Fn.count() }).from(Review)), Engine.Engine, engine)))
        const [count] = yield* counted
        assert.strictEqual(count!.n, 2)
      }))

    it.effect("update writes only the changed columns; delete runs children first", () =>
      Effect.gen(function*() {
        let remaining = -1
        const { entries, exit } = yield* captureLogs(
          Effect.scoped(Effect.gen(function*() {
            const engine = yield* engineFor(echoUrl, { echo: true })
            yield* Effect.provideService(
              withSession((s) =>
                Effect.gen(function*() {
                  const root = Option.getOrThrow(yield* s.get(Author, 100))
                  const renamed = yield* s.update(root, { bio: "A writer" })
                  assert.strictEqual(renamed.bio, "A writer")
                  assert.strictEqual(renamed.name, "Root")
                  assert.strictEqual(Option.getOrThrow(yield* s.get(Author, 100)), renamed)
                  yield* s.commit
                  const books = yield* s.query(Book).orderBy(Book.c.id).all
                  const reviews = yield* s.query(Review).all
                  for (const review of reviews) yield* s.delete(review)
                  for (const book of books) yield* s.delete(book)
                  yield* s.delete(Option.getOrThrow(yield* s.get(Author, 100)))
                  assert.isTrue(Option.isNone(yield* s.get(Author, 100)))
                  yield* s.commit
                  remaining = yield* s.query(Author).count
                })
              ),
              Engine.Engine,
              engine
            )
          }))
        )
        assert.isTrue(Exit.isSuccess(exit), Exit.isFailure(exit) ? String(exit.cause) : "")
        const update = entries.map((e) => e.message).find((m) => m.startsWith("UPDATE"))!
        assert.match(update, /SET .*bio.* = /)
        assert.notMatch(update, /SET .*name/)
        const deletes = entries.map((e) => e.message).filter((m) => m.startsWith("DELETE"))
        assert.strictEqual(deletes.length, 5)
        assert.match(deletes[0]!, /s_reviews/)
        assert.match(deletes[4]!, /s_authors/)
        assert.strictEqual(remaining, 0)
      }))

    it.effect("addAll validates every row before it records any: one bad row adds none", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* withSession((s) =>
          Effect.gen(function*() {
            const bad = yield* Effect.flip(s.addAll(Author, [{ name: "A" }, { name: "x".repeat(51) }, { name: "C" }]))
            assert.strictEqual(bad._tag, "EncodeError")
            assert.strictEqual(bad.table, "s_authors")
            yield* s.addAll(Author, [{ name: "D" }, { name: "E" }])
            yield* s.commit
          })
        )
        const names = (yield* Query.execute(Query.select(Author).orderBy(Author.c.name))).map((a) => a.name)
        assert.deepStrictEqual(names, ["D", "E"])
      }))

    it.effect("query terminals: all, first, one, count, stream; one fails with NoResultFound / MultipleResultsFound", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* withSession((s) =>
          Effect.gen(function*() {
            yield* s.addAll(Author, [{ name: "A" }, { name: "B" }, { name: "C" }])
            assert.strictEqual(yield* s.query(Author).count, 3)
            assert.strictEqual(yield* s.query(Author).where(Author.c.name.ne("A")).count, 2)
            const first = yield* s.query(Author).orderBy(Author.c.name.desc()).first
            assert.strictEqual(Option.getOrThrow(first).name, "C")
            assert.strictEqual((yield* s.query(Author).filterBy({ name: "B" }).one).name, "B")
            const none = yield* Effect.flip(s.query(Author).filterBy({ name: "Z" }).one)
            assert.strictEqual(none._tag, "NoResultFound")
            const many = yield* Effect.flip(s.query(Author).one)
            assert.strictEqual(many._tag, "MultipleResultsFound")
            const streamed = yield* Stream.runCollect(s.query(Author).orderBy(Author.c.name).stream)
            assert.deepStrictEqual([...streamed].map((a) => a.name), ["A", "B", "C"])
            const page = yield* s.query(Author).orderBy(Author.c.name).offset(1).limit(1).all
            assert.deepStrictEqual(page.map((a) => a.name), ["B"])
            yield* s.commit
          })
        )
      }))

    it.effect("rollback discards pending changes and the identity map", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* withSession((s) =>
          Effect.gen(function*() {
            const kept = yield* s.insert(Author, { name: "Kept" })
            yield* s.commit
            yield* s.add(Author, { name: "Discarded" })
            const loaded = Option.getOrThrow(yield* s.get(Author, kept.id))
            yield* s.update(loaded, { bio: "changed" })
            yield* s.rollback
            const names = (yield* s.query(Author).all).map((a) => [a.name, a.bio])
            assert.deepStrictEqual(names, [["Kept", null]])
          })
        )
      }))

    it.effect("a constraint violation during flush is its typed error; the session rolls back and stays usable", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* withSession((s) =>
          Effect.gen(function*() {
            yield* s.add(Author, { name: "Same" })
            yield* s.add(Author, { name: "Same" })
            const error = yield* Effect.flip(s.flush)
            assert.strictEqual(error._tag, "UniqueViolation")
            // Usable afterwards: the failed work is gone, new work commits.
            yield* s.add(Author, { name: "After" })
            yield* s.commit
            assert.deepStrictEqual((yield* s.query(Author).all).map((a) => a.name), ["After"])
          })
        )
      }))

    it.effect("Session.transaction keeps a typed domain error and rolls back", () =>
      Effect.gen(function*() {
        yield* fresh
        const error = yield* withSession((s) =>
          s.transaction(Effect.gen(function*() {
            yield* s.add(Author, { name: "Doomed" })
            yield* s.flush
            return yield* new Refused({ reason: "no" })
          }))
        ).pipe(Effect.flip)
        assert.instanceOf(error, Refused)
        assert.strictEqual((yield* Query.execute(Query.select(Author))).length, 0)
      }))

    it.effect("a nested Session.transaction is a savepoint", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* withSession((s) =>
          s.transaction(Effect.gen(function*() {
            yield* s.add(Author, { name: "Outer" })
            const inner = yield* s.transaction(Effect.zipRight(s.add(Author, { name: "Inner" }), new Refused({ reason: "inner" }))).pipe(
              Effect.either
            )
            assert.isTrue(Either.isLeft(inner))
            yield* s.transaction(s.add(Author, { name: "Inner kept" }))
          }))
        )
        const names = (yield* Query.execute(Query.select(Author).orderBy(Author.c.name))).map((a) => a.name)
        assert.deepStrictEqual(names, ["Inner kept", "Outer"])
      }))

    it.effect("concurrent sibling Session.transaction calls are serialized savepoints", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* withSession((s) =>
          s.transaction(
            Effect.all(
              Array.from({ length: 6 }, (_, i) =>
                s.transaction(Effect.gen(function*() {
                  yield* s.add(Author, { name: `sibling ${i}` })
                  yield* s.flush
                  yield* Effect.sleep("5 millis")
                  if (i % 2 === 1) return yield* new Refused({ reason: `sibling ${i}` })
                })).pipe(Effect.either)),
              { concurrency: "unbounded" }
            )
          )
        )
        const names = (yield* Query.execute(Query.select(Author))).map((a) => a.name).sort()
        assert.deepStrictEqual(names, ["sibling 0", "sibling 2", "sibling 4"])
      }))

    it.effect("interruption in the middle of a transaction: nothing persisted, and 20 more sessions are served", () =>
      Effect.gen(function*() {
        yield* fresh
        const started = yield* Deferred.make<void>()
        const fiber = yield* Effect.fork(
          withSession((s) =>
            s.transaction(Effect.gen(function*() {
              yield* s.add(Author, { name: "Interrupted" })
              yield* s.flush
              yield* Deferred.succeed(started, undefined)
              yield* Effect.never
            }))
          )
        )
        yield* Deferred.await(started)
        yield* Fiber.interrupt(fiber)
        assert.strictEqual((yield* Query.execute(Query.select(Author))).length, 0)
        yield* Effect.all(
          Array.from({ length: 20 }, (_, i) => withSession((s) => Effect.zipRight(s.add(Author, { name: `After ${i}` }), s.commit))),
          { concurrency: 5 }
        ).pipe(Effect.timeout("20 seconds"))
        assert.strictEqual((yield* Query.execute(Query.select(Author))).length, 20)
      }), { timeout: 30_000 })

    it.effect("optimistic locking: a lost update fails with StaleDataError", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* withSession((s) => Effect.zipRight(s.add(Account, { id: 1, balance: 100 }), s.commit))
        const error = yield* withSession((first) =>
          withSession((second) =>
            Effect.gen(function*() {
              // (Each read is ended at once: on SQLite a session holds the one connection until then.)
              const a = Option.getOrThrow(yield* first.get(Account, 1))
              yield* first.rollback
              const b = Option.getOrThrow(yield* second.get(Account, 1))
              yield* second.rollback
              yield* first.update(a, { balance: a.balance + 10 })
              yield* first.commit
              yield* second.update(b, { balance: b.balance - 10 })
              return yield* Effect.flip(second.commit)
            })
          )
        )
        assert.strictEqual(error._tag, "StaleDataError")
        const [account] = yield* Query.execute(Query.select(Account))
        assert.deepStrictEqual([account!.balance, account!.version], [110, 2])
      }))

    it.effect("releasing the session's scope rolls back what was not committed", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* withSession((s) => Effect.zipRight(s.add(Author, { name: "Uncommitted" }), s.flush))
        assert.strictEqual((yield* Query.execute(Query.select(Author))).length, 0)
        // The connection came back: a new session works.
        yield* withSession((s) => Effect.zipRight(s.add(Author, { name: "Committed" }), s.commit))
        assert.strictEqual((yield* Query.execute(Query.select(Author))).length, 1)
      }))

    it.effect("Session.use: commits what is committed, rolls back the rest on success, failure and interruption", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* Session.use((s) => Effect.zipRight(s.add(Author, { name: "Committed" }), s.commit))
        yield* Session.use((s) => Effect.zipRight(s.add(Author, { name: "Flushed only" }), s.flush))
        const failed = yield* Effect.flip(Session.use((s) => Effect.zipRight(Effect.zipRight(s.add(Author, { name: "Failed" }), s.flush), Effect.fail("boom" as const))))
        assert.strictEqual(failed, "boom")
        const started = yield* Deferred.make<void>()
        const fiber = yield* Effect.fork(Session.use((s) =>
          Effect.gen(function*() {
            yield* s.add(Author, { name: "Interrupted" })
            yield* s.flush
            yield* Deferred.succeed(started, undefined)
            return yield* Effect.never
          })
        ))
        yield* Deferred.await(started)
        yield* Fiber.interrupt(fiber)
        const names = (yield* Query.execute(Query.select(Author))).map((a) => a.name)
        assert.deepStrictEqual(names, ["Committed"])
        // Every connection came back: reads and writes through fresh sessions still run.
        const found = yield* Effect.all(Array.from({ length: 10 }, () => Session.use((s) => s.query(Author).count)), { concurrency: 5 })
        assert.deepStrictEqual(found, Array(10).fill(1))
        const wrote = yield* Session.use((s) => Effect.zipRight(s.insert(Author, { name: "Later" }), Effect.as(s.commit, "ok")))
        assert.strictEqual(wrote, "ok")
        const byGet = yield* Session.use((s) => s.get(Author, { id: 999 }))
        assert.isTrue(Option.isNone(byGet))
      }).pipe(Effect.timeout("20 seconds")), { timeout: 30_000 })

    it.effect("refresh reloads an instance; execute runs Core statements in the session's transaction", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* withSession((s) =>
          Effect.gen(function*() {
            const ann = yield* s.insert(Author, { name: "Ann" })
            const result = yield* s.execute(Query.update(Author).set({ bio: "set by Core" }).where(Author.c.id.eq(ann.id)))
            assert.strictEqual(result.rowsAffected, 1)
            assert.strictEqual(ann.bio, null)
            const fresher = yield* s.refresh(ann)
            assert.strictEqual(fresher.bio, "set by Core")
            assert.strictEqual(Option.getOrThrow(yield* s.get(Author, ann.id)), fresher)
            yield* s.rollback
            assert.strictEqual(yield* s.query(Author).count, 0)
          })
        )
      }))

    it.effect("Testing.rollback undoes everything its test wrote, commits included", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* Testing.rollback(Effect.gen(function*() {
          const s = yield* Session.Session
          yield* s.add(Author, { name: "Ephemeral" })
          yield* s.commit
          assert.strictEqual(yield* s.query(Author).count, 1)
        }))
        assert.strictEqual((yield* Query.execute(Query.select(Author))).length, 0)
      }))

    if (target.capabilities.concurrentWriters) {
      it.effect("stress: 50 concurrent transfers at serializable isolation with retry conserve the total", () =>
        Effect.scoped(Effect.gen(function*() {
          yield* fresh
          const accounts = 10
          yield* Query.execute(Query.insert(Account).values(Array.from({ length: accounts }, (_, i) => ({ id: i + 1, balance: 1000 }))))
          const url = new URL(target.url)
          const proxy = yield* countingProxy(url.hostname, Number(url.port))
          const engine = yield* engineFor(target.variant({ host: "127.0.0.1", port: proxy.port }), { pool: { size: 5 } })
          let maxOpen = 0
          const watch = yield* Effect.fork(Effect.forever(Effect.zipRight(Effect.sync(() => (maxOpen = Math.max(maxOpen, proxy.open()))), Effect.sleep("2 millis"))))
          let retries = 0
          const transfer = (i: number) =>
            withSession((s) =>
              s.transaction(
                Effect.gen(function*() {
                  const from = 1 + (i * 7) % accounts
                  const to = 1 + (i * 3 + 1) % accounts
                  if (from === to) return
                  const a = yield* s.query(Account).filterBy({ id: from }).one
                  const b = yield* s.query(Account).filterBy({ id: to }).one
                  yield* s.update(a, { balance: a.balance - 7 })
                  yield* s.update(b, { balance: b.balance + 7 })
                }).pipe(Effect.tapError(() => Effect.sync(() => retries++))),
                {
                  isolation: "serializable",
                  retry: Schedule.exponential("5 millis").pipe(Schedule.jittered, Schedule.intersect(Schedule.recurs(30)))
                }
              )
            )
          yield* Effect.provideService(
            Effect.all(Array.from({ length: 50 }, (_, i) => transfer(i)), { concurrency: 50, discard: true }),
            Engine.Engine,
            engine
          ).pipe(Effect.timeout("60 seconds"))
          yield* Fiber.interrupt(watch)
          const rows = yield* Query.execute(Query.select(Account))
          assert.strictEqual(rows.reduce((sum, a) => sum + a.balance, 0), accounts * 1000, "money was created or destroyed")
          assert.isAtMost(maxOpen, 5, "the pool size was exceeded")
          assert.isAtMost(proxy.connections(), 5)
          void retries
        })), { timeout: 90_000 })
    }

    it.effect("drop", () => metadata.dropAll)
  })

  // A typed COMMIT failure through the session (deferred constraints: PostgreSQL and SQLite).
  if (target.dialect !== "mysql") {
    testLayer(layer, { excludeTestServices: true })("Session commit", (it) => {
      it.effect("a failed COMMIT is a typed error and the session stays usable", () =>
        Effect.gen(function*() {
          yield* Engine.execute(`DROP TABLE IF EXISTS "s_deferred"`)
          yield* Engine.execute(`DROP TABLE IF EXISTS "s_target"`)
          yield* Engine.execute(`CREATE TABLE "s_target" (id INTEGER PRIMARY KEY)`)
          yield* Engine.execute(
            `CREATE TABLE "s_deferred" (id INTEGER PRIMARY KEY, target_id INTEGER, ` +
              `CONSTRAINT s_deferred_fk FOREIGN KEY (target_id) REFERENCES "s_target" (id) DEFERRABLE INITIALLY DEFERRED)`
          )
          const error = yield* withSession((s) =>
            s.transaction(Engine.execute(`INSERT INTO "s_deferred" (id, target_id) VALUES (1, 42)`))
          ).pipe(Effect.flip)
          assert.strictEqual(error._tag, "ForeignKeyViolation")
          const rows = yield* Engine.execute(`SELECT COUNT(*) AS n FROM "s_deferred"`)
          assert.strictEqual(Number(rows[0]!["n"]), 0)
          yield* Engine.execute(`DROP TABLE "s_deferred"`)
          yield* Engine.execute(`DROP TABLE "s_target"`)
        }))
    })
  }
}
